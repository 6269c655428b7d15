import { MetricsSummary } from '@beskar7/backstage-plugin-beskar7-common';
import { formatMs } from '../shared/format';
import { LatencyBars } from '../shared/LatencyBars';
import { LineChart } from '../shared/LineChart';
import { bmcLatencySeries, windowText } from './metricsSeries';

const NONE = 'No BMC operation in the window.';

/** BMC operation latency by vendor (and, in detail, by operation and over time). */
export const BmcLatencyCharts = ({
  summary,
  detailed = true,
}: {
  summary: MetricsSummary;
  detailed?: boolean;
}) => {
  const { byVendor, byOperation } = summary.bmcOperations;
  return (
    <>
      <LatencyBars
        title={`By vendor, ${windowText(summary)}`}
        rows={byVendor.map(v => ({ ...v, name: v.vendor }))}
        emptyText={NONE}
      />
      {detailed && (
        <>
          <LatencyBars
            title={`By operation, ${windowText(summary)}`}
            rows={byOperation.map(o => ({ ...o, name: o.operation }))}
            emptyText={NONE}
          />
          <LineChart
            title="p95 by vendor over time"
            series={bmcLatencySeries(summary)}
            format={formatMs}
            emptyText="No BMC operation in the history yet."
          />
        </>
      )}
    </>
  );
};
