import { QueueStatus } from '@beskar7/backstage-plugin-beskar7-common';
import { groupHistogram, histogramTotal } from './histogramBuckets';
import { Beskar7Metrics } from './metrics';
import { QueueMetrics } from './queueMetrics';
import { MetricsReading } from './summariseReadings';

/** Reads this replica's registry and the fleet-wide queue into one MetricsReading. */
export function metricsReader(options: {
  metrics: Beskar7Metrics;
  queueMetrics: QueueMetrics;
  queueStatus: () => Promise<QueueStatus>;
  clock?: () => number;
}): () => Promise<MetricsReading> {
  const { metrics, queueMetrics, queueStatus, clock = Date.now } = options;
  return async () => {
    const [attempts, claimDuration, bmcDuration, queue] = await Promise.all([
      metrics.hostClaimAttempts.get(),
      metrics.hostClaimDuration.get(),
      queueMetrics.bmcOperationDuration.get(),
      queueStatus(),
    ]);
    // `no_hosts` found nothing to race for: it is neither a conflict nor an attempt at one.
    const tried = attempts.values.filter(v => v.labels.outcome !== 'no_hosts');
    const sum = (values: Array<{ value: number }>) =>
      values.reduce((total, v) => total + v.value, 0);
    return {
      atMs: clock(),
      queue: {
        length: queue.length,
        maxQueueSize: queue.maxQueueSize,
        processing: queue.processing,
        maxConcurrentOps: queue.maxConcurrentOps,
      },
      claimAttempts: sum(tried),
      claimConflicts: sum(tried.filter(v => v.labels.outcome === 'conflict')),
      claimLatency: histogramTotal(claimDuration.values),
      bmcByVendor: groupHistogram(bmcDuration.values, l => String(l.vendor)),
      bmcByOperation: groupHistogram(bmcDuration.values, l =>
        String(l.operation),
      ),
    };
  };
}
