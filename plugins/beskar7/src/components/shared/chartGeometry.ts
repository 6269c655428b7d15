/** Where a chart's lines go: pure, so that the drawing can be tested without a browser. */

/** The top of the y axis: the largest value or limit, with headroom; 1 when all are zero. */
export function chartTop(values: Array<number | undefined>, limit?: number) {
  const largest = Math.max(
    0,
    limit ?? 0,
    ...values.filter((v): v is number => v !== undefined),
  );
  return largest > 0 ? largest * 1.1 : 1;
}

/**
 * An SVG path through `values`, spread evenly over `width`, 0 at the bottom
 * of `height` and `top` at its top. A missing value breaks the line rather
 * than pretending it was zero; a value with no neighbour becomes a dot.
 */
export function linePath(
  values: Array<number | undefined>,
  top: number,
  width: number,
  height: number,
): string {
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const parts: string[] = [];
  values.forEach((value, i) => {
    if (value === undefined) return;
    const at = `${round(values.length > 1 ? i * step : width / 2)},${round(
      height - (Math.min(value, top) / top) * height,
    )}`;
    const joinsPrevious = i > 0 && values[i - 1] !== undefined;
    const joinsNext = i < values.length - 1 && values[i + 1] !== undefined;
    if (joinsPrevious) parts.push(`L${at}`);
    // A point alone is a zero-length segment: round caps draw it as a dot.
    else parts.push(joinsNext ? `M${at}` : `M${at} L${at}`);
  });
  return parts.join(' ');
}

/** The y of a horizontal line at `value`. */
export function levelY(value: number, top: number, height: number): number {
  return round(height - (Math.min(value, top) / top) * height);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
