/** A duration for people: milliseconds below a second, seconds below a minute. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** A share as a percentage with one decimal; a dash when there is nothing to divide. */
export function formatRate(rate: number | undefined): string {
  return rate === undefined ? '–' : `${(rate * 100).toFixed(1)}%`;
}

/** A count; a dash when nothing was measured. */
export function formatCount(n: number | undefined): string {
  return n === undefined ? '–' : String(n);
}
