/** How a latency axis labels its ticks: every tick in the one unit its name says. */
export interface LatencyAxis {
  /** The axis title, with its unit: `latency (ms)`. */
  label: string;
  tick: (ms: number) => string;
}

const UNITS = [
  { unit: 'min', ms: 60_000 },
  { unit: 's', ms: 1000 },
  { unit: 'ms', ms: 1 },
] as const;

/**
 * The axis for latencies up to `maxMs` (the largest value or limit drawn):
 * the largest unit that the maximum reaches, so that "0 ms" never stands
 * beside "1.5 s"; ticks keep at most two decimals.
 */
export function latencyAxis(maxMs: number): LatencyAxis {
  const { unit, ms } = UNITS.find(u => maxMs >= u.ms) ?? UNITS[2];
  return {
    label: `latency (${unit})`,
    tick: value => String(Number((value / ms).toFixed(2))),
  };
}

/** The largest of the values (ignoring gaps), 0 for none. */
export function largest(values: Array<number | undefined>): number {
  return Math.max(0, ...values.filter((v): v is number => v !== undefined));
}
