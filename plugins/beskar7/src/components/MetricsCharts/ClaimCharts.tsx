import { MetricsSummary } from '@beskar7/backstage-plugin-beskar7-common';
import { Text } from '@backstage/ui';
import { formatMs, formatRate } from '../shared/format';
import { LineChart } from '../shared/LineChart';
import {
  claimLatencySeries,
  conflictRateSeries,
  emptyText,
  windowText,
} from './metricsSeries';

/** Claim conflict rate and latency: the window's figures, then their history. */
export const ClaimCharts = ({ summary }: { summary: MetricsSummary }) => {
  const { claims } = summary;
  return (
    <>
      <Text variant="body-small" data-testid="claim-summary">
        {windowText(summary)}: {claims.conflicts} conflict(s) in{' '}
        {claims.attempts} attempt(s), {formatRate(claims.conflictRate)}; latency
        p50 {formatMs(claims.latency.p50Ms)}, p95{' '}
        {formatMs(claims.latency.p95Ms)}
      </Text>
      <LineChart
        title="Claim conflict rate"
        series={[conflictRateSeries(summary)]}
        format={formatRate}
        emptyText={emptyText(summary)}
      />
      <LineChart
        title="Claim latency"
        series={[claimLatencySeries(summary)]}
        format={formatMs}
        emptyText={emptyText(summary)}
      />
    </>
  );
};
