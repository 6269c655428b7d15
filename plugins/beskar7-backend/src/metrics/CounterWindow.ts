/**
 * Turns cumulative counters into "over the last N minutes": each read keeps a
 * timestamped sample, and a window's value is the difference between now and
 * the oldest sample inside the window (or zero at creation, while the
 * process is younger than the window). Samples older than the longest window
 * asked for are dropped.
 */
export class CounterWindow<K extends string> {
  private samples: Array<{ at: number; values: Partial<Record<K, number>> }>;

  /** Counters start at zero with the process: what they count before the first read is in the window. */
  constructor(
    private readonly read: () => Promise<Record<K, number>>,
    private readonly clock: () => number = Date.now,
  ) {
    this.samples = [{ at: clock(), values: {} }];
  }

  async delta(windowMs: number): Promise<Record<K, number>> {
    return (await this.span(windowMs)).delta;
  }

  /** The delta and the milliseconds it covers (less than the window while the process is younger). */
  async span(
    windowMs: number,
  ): Promise<{ delta: Record<K, number>; ms: number }> {
    const now = this.clock();
    const values = await this.read();
    this.samples.push({ at: now, values });
    const inside = this.samples.filter(s => s.at >= now - windowMs);
    this.samples = inside.length > 0 ? inside : [this.samples[0]];
    const base = this.samples[0];
    return {
      delta: Object.fromEntries(
        Object.entries(values).map(([key, value]) => [
          key,
          (value as number) - (base.values[key as K] ?? 0),
        ]),
      ) as Record<K, number>,
      ms: now - base.at,
    };
  }
}
