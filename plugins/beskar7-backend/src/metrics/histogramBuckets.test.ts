import { Histogram, Registry } from 'prom-client';
import {
  groupHistogram,
  histogramTotal,
  histogramQuantile,
  latencySummary,
  subtractBuckets,
} from './histogramBuckets';

function histogram() {
  return new Histogram({
    name: 'test_duration_seconds',
    help: 'test',
    labelNames: ['vendor'],
    buckets: [0.1, 0.5, 1, 5],
    registers: [new Registry()],
  });
}

describe('histogram buckets', () => {
  it('groups a real histogram by a label and sums the other series', async () => {
    const h = histogram();
    h.labels('dell').observe(0.05);
    h.labels('dell').observe(0.7);
    h.labels('hpe').observe(3);

    const groups = groupHistogram((await h.get()).values, l =>
      String(l.vendor),
    );
    expect(groups.get('dell')).toEqual({
      bounds: [0.1, 0.5, 1, 5],
      cumulative: [1, 1, 2, 2],
      count: 2,
    });
    expect(histogramTotal((await h.get()).values)).toEqual({
      bounds: [0.1, 0.5, 1, 5],
      cumulative: [1, 1, 2, 3],
      count: 3,
    });
  });

  it('interpolates inside the bucket holding the quantile', () => {
    // 10 observations: 4 under 0.1 s, 6 between 0.5 s and 1 s.
    const counts = {
      bounds: [0.1, 0.5, 1, 5],
      cumulative: [4, 4, 10, 10],
      count: 10,
    };
    // rank 5 is the first of six in (0.5, 1]: 0.5 + 0.5 * 1/6.
    expect(histogramQuantile(0.5, counts)).toBeCloseTo(0.5 + 0.5 / 6, 10);
    // rank 9.5 of 10: 0.5 + 0.5 * 5.5/6.
    expect(histogramQuantile(0.95, counts)).toBeCloseTo(0.5 + (0.5 * 5.5) / 6);
    expect(histogramQuantile(0.2, counts)).toBeCloseTo(0.05);
  });

  it('totals an empty histogram as no observations', async () => {
    expect(histogramTotal((await histogram().get()).values)).toEqual({
      bounds: [],
      cumulative: [],
      count: 0,
    });
  });

  it('answers the last finite bound for observations beyond it, nothing without any', () => {
    const beyond = { bounds: [0.1, 1], cumulative: [0, 0], count: 3 };
    expect(histogramQuantile(0.5, beyond)).toBe(1);
    const none = { bounds: [0.1, 1], cumulative: [0, 0], count: 0 };
    expect(histogramQuantile(0.5, none)).toBeUndefined();
    expect(latencySummary(none)).toEqual({
      count: 0,
      p50Ms: undefined,
      p95Ms: undefined,
    });
  });

  it('subtracts an earlier read to get what happened in between', async () => {
    const h = histogram();
    h.labels('dell').observe(0.05);
    const before = groupHistogram((await h.get()).values, () => 'all');
    h.labels('dell').observe(2);
    h.labels('dell').observe(4);
    const after = groupHistogram((await h.get()).values, () => 'all');

    const between = subtractBuckets(after.get('all')!, before.get('all'));
    expect(between).toEqual({
      bounds: [0.1, 0.5, 1, 5],
      cumulative: [0, 0, 0, 2],
      count: 2,
    });
    expect(latencySummary(between).p50Ms).toBeCloseTo(3000);
  });
});
