import { MetricsSummary } from '@beskar7/backstage-plugin-beskar7-common';
import { LineChart } from '../shared/LineChart';
import { emptyText } from './metricsSeries';

const count = (n: number | undefined) => (n === undefined ? '–' : String(n));

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
      <LineChart
        title="Queue length"
        series={[{ name: 'Queued', values: series.map(p => p.queueLength) }]}
        limit={last && { name: 'max', value: last.maxQueueSize }}
        format={count}
        emptyText={emptyText(summary)}
      />
      {withProcessing && (
        <LineChart
          title="Operations running"
          series={[{ name: 'Running', values: series.map(p => p.processing) }]}
          limit={
            last && { name: 'maxConcurrentOps', value: last.maxConcurrentOps }
          }
          format={count}
          emptyText={emptyText(summary)}
        />
      )}
    </>
  );
};
