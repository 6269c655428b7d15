import {
  MetricsPoint,
  MetricsSummary,
} from '@beskar7/backstage-plugin-beskar7-common';
import {
  BucketCounts,
  histogramQuantile,
  latencySummary,
  subtractBuckets,
} from './histogramBuckets';

/** Everything the summary needs, read at one instant: counters cumulative since start. */
export interface MetricsReading {
  atMs: number;
  queue: {
    length: number;
    maxQueueSize: number;
    processing: number;
    maxConcurrentOps: number;
  };
  claimAttempts: number;
  claimConflicts: number;
  claimLatency: BucketCounts;
  bmcByVendor: Map<string, BucketCounts>;
  bmcByOperation: Map<string, BucketCounts>;
}

function deltas(
  after: Map<string, BucketCounts>,
  before: Map<string, BucketCounts> | undefined,
): Array<[string, BucketCounts]> {
  return [...after]
    .map(([key, counts]): [string, BucketCounts] => [
      key,
      subtractBuckets(counts, before?.get(key)),
    ])
    .filter(([, counts]) => counts.count > 0)
    .sort(([a], [b]) => a.localeCompare(b));
}

function toMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds * 1000;
}

function point(
  reading: MetricsReading,
  previous: MetricsReading | undefined,
): MetricsPoint {
  return {
    at: new Date(reading.atMs).toISOString(),
    queueLength: reading.queue.length,
    maxQueueSize: reading.queue.maxQueueSize,
    processing: reading.queue.processing,
    maxConcurrentOps: reading.queue.maxConcurrentOps,
    claimAttempts: reading.claimAttempts - (previous?.claimAttempts ?? 0),
    claimConflicts: reading.claimConflicts - (previous?.claimConflicts ?? 0),
    claimP95Ms: toMs(
      histogramQuantile(
        0.95,
        subtractBuckets(reading.claimLatency, previous?.claimLatency),
      ),
    ),
    bmcP95MsByVendor: Object.fromEntries(
      deltas(reading.bmcByVendor, previous?.bmcByVendor).map(
        ([vendor, counts]) => [vendor, toMs(histogramQuantile(0.95, counts))!],
      ),
    ),
  };
}

/**
 * The summary over `windowMs` before `current`, from `history` (stored
 * readings, oldest first). The window's base is the newest stored reading at
 * or before its start; when there is none the process is younger than the
 * window, and counting from zero covers everything it measured.
 */
export function summariseReadings(options: {
  history: MetricsReading[];
  current: MetricsReading;
  windowMs: number;
  sampleIntervalMs: number;
}): MetricsSummary {
  const { history, current, windowMs, sampleIntervalMs } = options;
  const start = current.atMs - windowMs;
  const base = history.filter(r => r.atMs <= start).at(-1);
  const attempts = current.claimAttempts - (base?.claimAttempts ?? 0);
  const conflicts = current.claimConflicts - (base?.claimConflicts ?? 0);

  // A point needs the reading before it: the oldest kept one only serves as a base.
  const series: MetricsPoint[] = [];
  history.forEach((reading, i) => {
    if (i > 0 && reading.atMs > start) {
      series.push(point(reading, history[i - 1]));
    }
  });

  return {
    windowMs,
    sampleIntervalMs,
    claims: {
      attempts,
      conflicts,
      conflictRate: attempts > 0 ? conflicts / attempts : undefined,
      latency: latencySummary(
        subtractBuckets(current.claimLatency, base?.claimLatency),
      ),
    },
    bmcOperations: {
      byVendor: deltas(current.bmcByVendor, base?.bmcByVendor).map(
        ([vendor, counts]) => ({ vendor, ...latencySummary(counts) }),
      ),
      byOperation: deltas(current.bmcByOperation, base?.bmcByOperation).map(
        ([operation, counts]) => ({ operation, ...latencySummary(counts) }),
      ),
    },
    series,
  };
}
