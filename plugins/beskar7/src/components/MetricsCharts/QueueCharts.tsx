import { MetricsSummary } from '@beskar7/backstage-plugin-beskar7-common';
import { TimeSeriesChart } from '../charts/TimeSeriesChart';
import { formatCount } from '../shared/format';
import { emptyText, sampleTimes } from './metricsSeries';

/** Queue length against its maximum, running operations against maxConcurrentOps. */
export const QueueCharts = ({
  summary,
  withProcessing = true,
}: {
  summary: MetricsSummary;
  withProcessing?: boolean;
}) => {
  const { series } = summary;
  const last = series.at(-1);
  return (
    <>
      <TimeSeriesChart
        title="Queue length"
        times={sampleTimes(summary)}
        series={[{ name: 'Queued', values: series.map(p => p.queueLength) }]}
        threshold={last && { name: 'Queue limit', value: last.maxQueueSize }}
        format={formatCount}
        unit="jobs"
        integer
        emptyText={emptyText(summary)}
      />
      {withProcessing && (
        <TimeSeriesChart
          title="Operations running"
          times={sampleTimes(summary)}
          series={[{ name: 'Running', values: series.map(p => p.processing) }]}
          threshold={
            last && { name: 'maxConcurrentOps', value: last.maxConcurrentOps }
          }
          format={formatCount}
          unit="operations"
          integer
          emptyText={emptyText(summary)}
        />
      )}
    </>
  );
};
