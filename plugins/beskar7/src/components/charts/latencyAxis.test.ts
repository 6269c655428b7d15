import { largest, latencyAxis } from './latencyAxis';

describe('latencyAxis', () => {
  it('labels every tick in the unit the largest value reaches', () => {
    const seconds = latencyAxis(2500);
    expect(seconds.label).toBe('latency (s)');
    expect([0, 500, 1500, 2500].map(seconds.tick)).toEqual([
      '0',
      '0.5',
      '1.5',
      '2.5',
    ]);
    const ms = latencyAxis(800);
    expect(ms.label).toBe('latency (ms)');
    expect([0, 250, 800].map(ms.tick)).toEqual(['0', '250', '800']);
    expect(latencyAxis(90_000).label).toBe('latency (min)');
    expect(latencyAxis(0).label).toBe('latency (ms)');
  });

  it('keeps at most two decimals', () => {
    expect(latencyAxis(5000).tick(1234)).toBe('1.23');
  });

  it('finds the largest value across gaps', () => {
    expect(largest([undefined, 3, 12, undefined])).toBe(12);
    expect(largest([])).toBe(0);
  });
});
