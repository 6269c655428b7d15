import {
  ALERT_LIMITS,
  MetricsSummary,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Text } from '@backstage/ui';
import { largest, latencyAxis } from '../charts/latencyAxis';
import { TimeSeriesChart } from '../charts/TimeSeriesChart';
import { formatMs, formatRate } from '../shared/format';
import {
  claimLatencySeries,
  conflictRateSeries,
  emptyText,
  sampleTimes,
  windowText,
} from './metricsSeries';

/** Claim conflict rate and latency: the window's figures, then their history. */
export const ClaimCharts = ({ summary }: { summary: MetricsSummary }) => {
  const { claims } = summary;
  const latency = claimLatencySeries(summary);
  const axis = latencyAxis(largest(latency.values));
  return (
    <>
      <Text variant="body-small" data-testid="claim-summary">
        {windowText(summary)}: {claims.conflicts} conflict(s) in{' '}
        {claims.attempts} attempt(s), {formatRate(claims.conflictRate)}; latency
        p50 {formatMs(claims.latency.p50Ms)}, p95{' '}
        {formatMs(claims.latency.p95Ms)}
      </Text>
      <TimeSeriesChart
        title="Claim conflict rate"
        times={sampleTimes(summary)}
        series={[conflictRateSeries(summary)]}
        format={formatRate}
        unit="% of attempts"
        threshold={{
          name: 'Alert above',
          value: ALERT_LIMITS.claimConflictRate,
        }}
        emptyText={emptyText(summary)}
      />
      <TimeSeriesChart
        title="Claim latency"
        times={sampleTimes(summary)}
        series={[latency]}
        format={formatMs}
        unit={axis.label}
        axisTick={axis.tick}
        emptyText={emptyText(summary)}
      />
    </>
  );
};
