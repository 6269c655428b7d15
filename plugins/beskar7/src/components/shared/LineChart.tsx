import { Flex, Text } from '@backstage/ui';
import { chartTop, levelY, linePath } from './chartGeometry';

/** Distinguishable on white and for the common colour-vision deficiencies. */
export const CHART_COLOURS = [
  '#1565c0',
  '#ef6c00',
  '#2e7d32',
  '#6a1b9a',
  '#00838f',
  '#ad1457',
];

export interface ChartSeries {
  name: string;
  /** One value per sample, oldest first; undefined where nothing was measured. */
  values: Array<number | undefined>;
}

const WIDTH = 300;
const HEIGHT = 80;

/**
 * A small line chart of recent samples. The latest value of each line is
 * written out next to it, so the chart is read by screen readers and by
 * anyone who only wants the number.
 */
export const LineChart = ({
  title,
  series,
  format,
  limit,
  emptyText = 'No samples yet.',
}: {
  title: string;
  series: ChartSeries[];
  format: (value: number | undefined) => string;
  /** A horizontal line for a configured maximum. */
  limit?: { name: string; value: number };
  emptyText?: string;
}) => {
  const samples = Math.max(0, ...series.map(s => s.values.length));
  const latest = series.map(s => ({ name: s.name, value: s.values.at(-1) }));
  const described = [
    ...latest.map(l => `${l.name} ${format(l.value)}`),
    ...(limit ? [`${limit.name} ${format(limit.value)}`] : []),
  ].join(', ');
  const top = chartTop(
    series.flatMap(s => s.values),
    limit?.value,
  );
  return (
    <figure style={{ margin: 0 }} aria-label={title}>
      <figcaption>
        <Text variant="body-small" weight="bold">
          {title}
        </Text>
      </figcaption>
      {samples === 0 ? (
        <Text variant="body-small">{emptyText}</Text>
      ) : (
        <svg
          role="img"
          aria-label={`${title}: ${described}`}
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          preserveAspectRatio="none"
          width="100%"
          height={HEIGHT}
          // Round caps of points on the edges reach past the view box.
          style={{
            background: '#f5f5f5',
            borderRadius: 4,
            overflow: 'visible',
          }}
        >
          <title>{`${title}: ${described}`}</title>
          <desc>{`${samples} samples, oldest left; scale 0 to ${format(
            top,
          )}`}</desc>
          {limit && (
            <line
              x1={0}
              x2={WIDTH}
              y1={levelY(limit.value, top, HEIGHT)}
              y2={levelY(limit.value, top, HEIGHT)}
              stroke="#c62828"
              strokeDasharray="4 3"
              vectorEffect="non-scaling-stroke"
            />
          )}
          {series.map((s, i) => (
            <path
              key={s.name}
              d={linePath(s.values, top, WIDTH, HEIGHT)}
              fill="none"
              stroke={CHART_COLOURS[i % CHART_COLOURS.length]}
              strokeWidth={3}
              strokeLinecap="round"
              strokeLinejoin="round"
              vectorEffect="non-scaling-stroke"
            />
          ))}
        </svg>
      )}
      <Flex gap="3" style={{ flexWrap: 'wrap' }}>
        {latest.map((l, i) => (
          <Text variant="body-small" key={l.name} data-testid="chart-value">
            <span
              aria-hidden
              style={{ color: CHART_COLOURS[i % CHART_COLOURS.length] }}
            >
              ■{' '}
            </span>
            {l.name}: {format(l.value)}
          </Text>
        ))}
        {limit && (
          <Text variant="body-small">
            <span aria-hidden style={{ color: '#c62828' }}>
              ┅{' '}
            </span>
            {limit.name}: {format(limit.value)}
          </Text>
        )}
      </Flex>
    </figure>
  );
};
