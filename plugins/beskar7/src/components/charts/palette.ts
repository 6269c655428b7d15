/**
 * Series colours: mid tones that read on the light and the dark theme alike
 * (SVG attributes cannot follow the theme's CSS variables).
 */
export const SERIES_COLOURS = [
  '#3b82f6',
  '#f59e0b',
  '#10b981',
  '#a855f7',
  '#ec4899',
  '#14b8a6',
];

/** Threshold lines: the alert limit, dashed red. */
export const THRESHOLD_COLOUR = '#ef4444';

export function seriesColour(index: number): string {
  return SERIES_COLOURS[index % SERIES_COLOURS.length];
}

/** Tooltips take the theme's surface and text colours. */
export const TOOLTIP_STYLE = {
  backgroundColor: 'var(--bui-bg-neutral-1)',
  borderColor: 'var(--bui-border-1)',
  color: 'var(--bui-fg-primary)',
  borderRadius: 'var(--bui-radius-2)',
};
