import { BucketCounts } from './histogramBuckets';
import { MetricsReading, summariseReadings } from './summariseReadings';

const BOUNDS = [0.01, 0.1, 1, 10];

/** Cumulative buckets holding `observations` (seconds). */
function buckets(...observations: number[]): BucketCounts {
  return {
    bounds: BOUNDS,
    cumulative: BOUNDS.map(le => observations.filter(o => o <= le).length),
    count: observations.length,
  };
}

function reading(
  atMs: number,
  claims: { attempts: number; conflicts: number; latency: number[] },
  bmc: Record<string, number[]> = {},
): MetricsReading {
  return {
    atMs,
    queue: { length: 2, maxQueueSize: 100, processing: 1, maxConcurrentOps: 4 },
    claimAttempts: claims.attempts,
    claimConflicts: claims.conflicts,
    claimLatency: buckets(...claims.latency),
    bmcByVendor: new Map(
      Object.entries(bmc).map(([vendor, o]) => [vendor, buckets(...o)]),
    ),
    bmcByOperation: new Map([
      ['provision', buckets(...Object.values(bmc).flat())],
    ]),
  };
}

const minute = 60_000;

describe('summariseReadings', () => {
  const history = [
    reading(0, { attempts: 10, conflicts: 5, latency: [0.005] }),
    reading(
      minute,
      { attempts: 20, conflicts: 6, latency: [0.005, 0.5] },
      {
        dell: [5],
      },
    ),
    reading(
      2 * minute,
      { attempts: 30, conflicts: 6, latency: [0.005, 0.5, 0.05] },
      {
        dell: [5, 5],
        hpe: [0.5],
      },
    ),
  ];
  const current = reading(
    2.5 * minute,
    { attempts: 40, conflicts: 8, latency: [0.005, 0.5, 0.05, 0.05] },
    { dell: [5, 5, 5], hpe: [0.5] },
  );

  it('measures the window from the newest reading at or before its start', () => {
    const summary = summariseReadings({
      history,
      current,
      windowMs: 1.5 * minute,
      sampleIntervalMs: minute,
    });
    // Base: the reading at 1 min (20 attempts, 6 conflicts, one BMC op).
    expect(summary.claims).toMatchObject({
      attempts: 20,
      conflicts: 2,
      conflictRate: 0.1,
      latency: { count: 2 },
    });
    // Both claims since the base took 0.05 s: inside (0.01, 0.1].
    expect(summary.claims.latency.p50Ms).toBeGreaterThan(10);
    expect(summary.claims.latency.p95Ms).toBeLessThanOrEqual(100);
    expect(summary.bmcOperations.byVendor).toEqual([
      expect.objectContaining({ vendor: 'dell', count: 2 }),
      expect.objectContaining({ vendor: 'hpe', count: 1 }),
    ]);
    expect(summary.bmcOperations.byOperation).toEqual([
      expect.objectContaining({ operation: 'provision', count: 3 }),
    ]);
    expect(summary.series.map(p => p.at)).toEqual([
      new Date(2 * minute).toISOString(),
    ]);
  });

  it('counts from zero when the process is younger than the window', () => {
    const summary = summariseReadings({
      history,
      current,
      windowMs: 30 * minute,
      sampleIntervalMs: minute,
    });
    expect(summary.claims).toMatchObject({ attempts: 40, conflicts: 8 });
    expect(summary.claims.conflictRate).toBeCloseTo(0.2);
    expect(summary.series).toHaveLength(2);
  });

  it('gives each point the gauges of its reading and the counts since the previous one', () => {
    const [second, third] = summariseReadings({
      history,
      current,
      windowMs: 30 * minute,
      sampleIntervalMs: minute,
    }).series;
    expect(second).toMatchObject({
      at: new Date(minute).toISOString(),
      queueLength: 2,
      maxQueueSize: 100,
      processing: 1,
      maxConcurrentOps: 4,
      claimAttempts: 10,
      claimConflicts: 1,
    });
    expect(Object.keys(second.bmcP95MsByVendor)).toEqual(['dell']);
    // Only hpe and one more dell op in the third interval; dell's is in (1, 10] s.
    expect(third.claimConflicts).toBe(0);
    expect(third.bmcP95MsByVendor.dell).toBeGreaterThan(1000);
    expect(third.bmcP95MsByVendor.hpe).toBeLessThanOrEqual(1000);
  });

  it('has no rate and no percentiles without attempts', () => {
    const idle = reading(0, { attempts: 0, conflicts: 0, latency: [] });
    const summary = summariseReadings({
      history: [],
      current: idle,
      windowMs: minute,
      sampleIntervalMs: minute,
    });
    expect(summary.claims.conflictRate).toBeUndefined();
    expect(summary.claims.latency).toEqual({ count: 0 });
    expect(summary.bmcOperations.byVendor).toEqual([]);
    expect(summary.series).toEqual([]);
  });
});
