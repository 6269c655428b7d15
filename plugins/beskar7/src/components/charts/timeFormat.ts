const SECOND = 1000;
const MINUTE = 60 * SECOND;
const STEPS = [10, 30, 60, 120, 300, 600, 900, 1800, 3600].map(s => s * SECOND);

/**
 * Tick times for a time axis from `min` to `max`: whole multiples of the
 * smallest step that gives at most `count` ticks, so that labels never repeat.
 */
export function timeTicks(min: number, max: number, count = 6): number[] {
  const step =
    STEPS.find(s => (max - min) / s <= count) ?? STEPS[STEPS.length - 1];
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max; t += step) {
    ticks.push(t);
  }
  return ticks;
}

/** A tick label: hours and minutes, with seconds when ticks are less than a minute apart. */
export function axisTime(epochMs: number, stepMs = MINUTE): string {
  return new Date(epochMs).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: stepMs < MINUTE ? '2-digit' : undefined,
  });
}

/** A sample's time in a tooltip: to the second. */
export function tooltipTime(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}
