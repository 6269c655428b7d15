import { QueueStatus } from '@beskar7/backstage-plugin-beskar7-common';
import { createBeskar7Metrics } from './metrics';
import { MetricsHistory } from './MetricsHistory';
import { createQueueMetrics } from './queueMetrics';
import { metricsReader } from './readMetrics';

function setup() {
  let now = 1_000_000;
  const metrics = createBeskar7Metrics();
  const queueMetrics = createQueueMetrics(metrics.registry);
  const queue: QueueStatus = {
    length: 3,
    maxQueueSize: 50,
    processing: 2,
    maxConcurrentOps: 5,
    workerCount: 2,
    paused: false,
    draining: false,
    cooldowns: [],
  };
  const read = metricsReader({
    metrics,
    queueMetrics,
    queueStatus: async () => queue,
    clock: () => now,
  });
  return {
    metrics,
    queueMetrics,
    read,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('MetricsHistory', () => {
  it('reads the registry: attempts without no_hosts, conflicts, latency by vendor and operation', async () => {
    const { metrics, queueMetrics, read } = setup();
    metrics.hostClaimAttempts.labels('success', 'none').inc(3);
    metrics.hostClaimAttempts.labels('conflict', 'optimistic_lock').inc();
    metrics.hostClaimAttempts.labels('no_hosts', 'none').inc(7);
    metrics.hostClaimDuration.labels('optimistic', 'success').observe(0.02);
    queueMetrics.bmcOperationDuration
      .labels('provision', 'dell', 'success')
      .observe(20);
    queueMetrics.bmcOperationDuration
      .labels('power_off', 'dell', 'error')
      .observe(2);

    const summary = await new MetricsHistory(read).summary(60_000);
    expect(summary.claims).toMatchObject({
      attempts: 4,
      conflicts: 1,
      conflictRate: 0.25,
      latency: { count: 1 },
    });
    expect(summary.bmcOperations.byVendor).toEqual([
      expect.objectContaining({ vendor: 'dell', count: 2 }),
    ]);
    expect(
      summary.bmcOperations.byOperation.map(o => [o.operation, o.count]),
    ).toEqual([
      ['power_off', 1],
      ['provision', 1],
    ]);
  });

  it('keeps a bounded history that becomes the series', async () => {
    const { metrics, read, advance } = setup();
    const history = new MetricsHistory(read, {
      intervalMs: 1000,
      retentionMs: 3000,
    });
    for (let i = 0; i < 10; i++) {
      metrics.hostClaimAttempts.labels('success', 'none').inc(i);
      await history.sample();
      advance(1000);
    }
    const summary = await history.summary(60_000);
    // Retention 3 s at 1 s: four readings kept, the oldest as the base of three points.
    expect(summary.series.map(p => p.claimAttempts)).toEqual([7, 8, 9]);
    expect(summary.series[0]).toMatchObject({
      queueLength: 3,
      maxQueueSize: 50,
      processing: 2,
      maxConcurrentOps: 5,
    });
    expect(summary.sampleIntervalMs).toBe(1000);
  });
});
