import {
  MetricsSummary,
  QueueStatus,
} from '@beskar7/backstage-plugin-beskar7-common';

export const sampleQueue: QueueStatus = {
  length: 3,
  maxQueueSize: 100,
  processing: 2,
  maxConcurrentOps: 5,
  workerCount: 2,
  paused: false,
  draining: false,
  cooldowns: [],
};

const point = (minute: number, over: Partial<MetricsSummary['series'][0]>) => ({
  at: new Date(Date.UTC(2026, 10, 27, 12, minute)).toISOString(),
  queueLength: 1,
  maxQueueSize: 100,
  processing: 1,
  maxConcurrentOps: 5,
  claimAttempts: 10,
  claimConflicts: 1,
  claimP95Ms: 40,
  bmcP95MsByVendor: {},
  ...over,
});

/** Thirty minutes of a busy fleet: some conflicts, Dell slower than HPE. */
export const sampleSummary: MetricsSummary = {
  windowMs: 30 * 60_000,
  sampleIntervalMs: 10_000,
  claims: {
    attempts: 40,
    conflicts: 5,
    conflictRate: 0.125,
    latency: { count: 35, p50Ms: 12, p95Ms: 48 },
  },
  bmcOperations: {
    byVendor: [
      { vendor: 'dell', count: 12, p50Ms: 2500, p95Ms: 9000 },
      { vendor: 'hpe', count: 4, p50Ms: 800, p95Ms: 1500 },
    ],
    byOperation: [
      { operation: 'provision', count: 16, p50Ms: 2000, p95Ms: 8000 },
    ],
  },
  series: [
    point(0, { bmcP95MsByVendor: { dell: 8000 } }),
    point(1, { claimConflicts: 4, bmcP95MsByVendor: { hpe: 1500 } }),
    point(2, { queueLength: 3, processing: 2, claimAttempts: 20 }),
  ],
};

/** A replica that has just started: nothing measured, no sample taken. */
export const emptySummary: MetricsSummary = {
  windowMs: 30 * 60_000,
  sampleIntervalMs: 10_000,
  claims: { attempts: 0, conflicts: 0, latency: { count: 0 } },
  bmcOperations: { byVendor: [], byOperation: [] },
  series: [],
};
