import {
  ALERT_LIMITS,
  MetricsSummary,
} from '@beskar7/backstage-plugin-beskar7-common';
import { LatencyBarChart } from '../charts/LatencyBarChart';
import { largest, latencyAxis } from '../charts/latencyAxis';
import { TimeSeriesChart } from '../charts/TimeSeriesChart';
import { formatMs } from '../shared/format';
import { bmcLatencySeries, sampleTimes, windowText } from './metricsSeries';

const NONE = 'No BMC operation in the window.';
const P95_LIMIT = { name: 'p95 limit', value: ALERT_LIMITS.bmcOperationP95Ms };

/** BMC operation latency by vendor (and, in detail, by operation and over time). */
export const BmcLatencyCharts = ({
  summary,
  detailed = true,
}: {
  summary: MetricsSummary;
  detailed?: boolean;
}) => {
  const { byVendor, byOperation } = summary.bmcOperations;
  const overTime = bmcLatencySeries(summary);
  const axis = latencyAxis(
    largest([...overTime.flatMap(s => s.values), P95_LIMIT.value]),
  );
  return (
    <>
      <LatencyBarChart
        title={`By vendor, ${windowText(summary)}`}
        rows={byVendor.map(v => ({ ...v, name: v.vendor }))}
        threshold={P95_LIMIT}
        emptyText={NONE}
      />
      {detailed && (
        <>
          <LatencyBarChart
            title={`By operation, ${windowText(summary)}`}
            rows={byOperation.map(o => ({ ...o, name: o.operation }))}
            threshold={P95_LIMIT}
            emptyText={NONE}
          />
          <TimeSeriesChart
            title="p95 by vendor over time"
            times={sampleTimes(summary)}
            series={overTime}
            format={formatMs}
            unit={axis.label}
            axisTick={axis.tick}
            threshold={P95_LIMIT}
            emptyText="No BMC operation in the history yet."
          />
        </>
      )}
    </>
  );
};
