import { LatencySummary } from '@beskar7/backstage-plugin-beskar7-common';

/** A histogram's cumulative bucket counts (finite bounds, ascending) and its total count. */
export interface BucketCounts {
  bounds: number[];
  cumulative: number[];
  count: number;
}

/** The shape of prom-client's `histogram.get().values`. */
export interface HistogramValue {
  labels: Record<string, string | number | undefined>;
  value: number;
  metricName?: string;
}

/**
 * Sums a histogram's series into one BucketCounts per group; `groupOf` names
 * a series' group from its labels (e.g. its vendor).
 */
export function groupHistogram(
  values: HistogramValue[],
  groupOf: (labels: HistogramValue['labels']) => string,
): Map<string, BucketCounts> {
  const groups = new Map<
    string,
    { buckets: Map<number, number>; count: number }
  >();
  const group = (labels: HistogramValue['labels']) => {
    const key = groupOf(labels);
    let found = groups.get(key);
    if (!found) {
      found = { buckets: new Map(), count: 0 };
      groups.set(key, found);
    }
    return found;
  };
  for (const v of values) {
    if (v.metricName?.endsWith('_bucket') && v.labels.le !== '+Inf') {
      const { buckets } = group(v.labels);
      const le = Number(v.labels.le);
      buckets.set(le, (buckets.get(le) ?? 0) + v.value);
    } else if (v.metricName?.endsWith('_count')) {
      group(v.labels).count += v.value;
    }
  }
  return new Map(
    [...groups].map(([key, { buckets, count }]) => {
      const sorted = [...buckets].sort(([a], [b]) => a - b);
      return [
        key,
        {
          bounds: sorted.map(([le]) => le),
          cumulative: sorted.map(([, n]) => n),
          count,
        },
      ];
    }),
  );
}

/** All of a histogram's series summed into one. */
export function histogramTotal(values: HistogramValue[]): BucketCounts {
  return (
    groupHistogram(values, () => 'all').get('all') ?? {
      bounds: [],
      cumulative: [],
      count: 0,
    }
  );
}

/** What was observed between `before` and `after` (same histogram, later read). */
export function subtractBuckets(
  after: BucketCounts,
  before: BucketCounts | undefined,
): BucketCounts {
  if (!before) return after;
  const earlier = new Map(
    before.bounds.map((le, i) => [le, before.cumulative[i]]),
  );
  return {
    bounds: after.bounds,
    cumulative: after.cumulative.map(
      (n, i) => n - (earlier.get(after.bounds[i]) ?? 0),
    ),
    count: after.count - before.count,
  };
}

/**
 * The q-quantile in seconds, interpolated linearly inside its bucket like
 * Prometheus' histogram_quantile; beyond the last finite bound it answers
 * that bound. Undefined without observations.
 */
export function histogramQuantile(
  q: number,
  counts: BucketCounts,
): number | undefined {
  if (counts.count <= 0) return undefined;
  const rank = q * counts.count;
  let lowerBound = 0;
  let lowerCount = 0;
  for (let i = 0; i < counts.bounds.length; i++) {
    const upperCount = counts.cumulative[i];
    if (upperCount >= rank && upperCount > lowerCount) {
      const share = (rank - lowerCount) / (upperCount - lowerCount);
      return lowerBound + (counts.bounds[i] - lowerBound) * share;
    }
    lowerBound = counts.bounds[i];
    lowerCount = upperCount;
  }
  return lowerBound;
}

/** Count, p50 and p95 in milliseconds. */
export function latencySummary(counts: BucketCounts): LatencySummary {
  const ms = (q: number) => {
    const seconds = histogramQuantile(q, counts);
    return seconds === undefined ? undefined : seconds * 1000;
  };
  return { count: counts.count, p50Ms: ms(0.5), p95Ms: ms(0.95) };
}
