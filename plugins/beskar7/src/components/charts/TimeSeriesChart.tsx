import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { ChartFrame, LegendEntry, valueOrNone } from './ChartFrame';
import { seriesColour, THRESHOLD_COLOUR, TOOLTIP_STYLE } from './palette';
import { axisTime, timeTicks, tooltipTime } from './timeFormat';

/** One line: a value per sample, `undefined` where nothing was measured. */
export interface ChartSeries {
  name: string;
  values: Array<number | undefined>;
}

/** An alert limit, drawn as a dashed line. */
export interface ChartThreshold {
  name: string;
  value: number;
}

/** The last value a series measured, for its legend entry. */
export function currentValue(values: Array<number | undefined>) {
  return values.findLast(v => v !== undefined);
}

/** A sample with no measured neighbour draws no line: it gets a dot. */
export function isolated(values: Array<number | undefined>, i: number) {
  return (
    values[i] !== undefined &&
    values[i - 1] === undefined &&
    values[i + 1] === undefined
  );
}

/**
 * Series over time: sample times on the x axis, values with their unit on
 * the y axis, a tooltip per sample, and the alert limit as a dashed line.
 */
export const TimeSeriesChart = ({
  title,
  times,
  series,
  format,
  unit,
  axisTick = format,
  threshold,
  emptyText,
  integer = false,
}: {
  title: string;
  /** ISO 8601 time of each sample, oldest first. */
  times: string[];
  series: ChartSeries[];
  format: (value: number | undefined) => string;
  /** What the y axis counts, in words (`jobs`, `latency (ms)`, `% of attempts`). */
  unit: string;
  /** A y tick's label, when the axis's unit is not `format`'s (see latencyAxis). */
  axisTick?: (value: number) => string;
  threshold?: ChartThreshold;
  emptyText: string;
  /** Counts: no ticks between whole numbers. */
  integer?: boolean;
}) => {
  const hasData = series.some(s => s.values.some(v => v !== undefined));
  const rows = times.map((at, i) => ({
    t: Date.parse(at),
    ...Object.fromEntries(series.map((s, k) => [`s${k}`, s.values[i]])),
  }));
  const first = rows[0]?.t ?? 0;
  const last = rows[rows.length - 1]?.t ?? 0;
  const ticks = timeTicks(first, last);
  const tickStep = ticks.length > 1 ? ticks[1] - ticks[0] : last - first;
  const legend: LegendEntry[] = series.map((s, k) => ({
    name: s.name,
    value: valueOrNone(currentValue(s.values), format),
    colour: seriesColour(k),
  }));
  if (threshold) {
    legend.push({
      name: threshold.name,
      value: format(threshold.value),
      colour: THRESHOLD_COLOUR,
      dashed: true,
    });
  }

  return (
    <ChartFrame
      title={title}
      hasData={hasData}
      emptyText={emptyText}
      legend={legend}
    >
      <ResponsiveContainer
        width="100%"
        height="100%"
        initialDimension={{ width: 480, height: 200 }}
      >
        <LineChart
          data={rows}
          margin={{ top: 8, right: 16, bottom: 16, left: 8 }}
          accessibilityLayer={false}
        >
          <CartesianGrid stroke="currentColor" strokeOpacity={0.15} />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            ticks={ticks}
            tickFormatter={(t: number) => axisTime(t, tickStep)}
            tick={{ fill: 'currentColor', fontSize: 12 }}
            stroke="currentColor"
            label={{
              value: 'time',
              position: 'insideBottom',
              offset: -8,
              fill: 'currentColor',
              fontSize: 12,
            }}
          />
          <YAxis
            tickFormatter={(v: number) => axisTick(v)}
            tick={{ fill: 'currentColor', fontSize: 12 }}
            stroke="currentColor"
            width={64}
            allowDecimals={!integer}
            label={{
              value: unit,
              angle: -90,
              position: 'insideLeft',
              // Centred on the axis: anchored at its start, a long title
              // runs up past the top of the plot and is cut.
              textAnchor: 'middle',
              fill: 'currentColor',
              fontSize: 12,
            }}
          />
          <Tooltip
            labelFormatter={t => tooltipTime(Number(t))}
            formatter={(v: unknown) => format(Number(v))}
            contentStyle={TOOLTIP_STYLE}
          />
          {threshold && (
            <ReferenceLine
              y={threshold.value}
              stroke={THRESHOLD_COLOUR}
              strokeDasharray="6 4"
              ifOverflow="extendDomain"
            />
          )}
          {series.map((s, k) => (
            <Line
              key={s.name}
              dataKey={`s${k}`}
              name={s.name}
              type="monotone"
              stroke={seriesColour(k)}
              strokeWidth={2}
              isAnimationActive={false}
              dot={({ cx, cy, index }) =>
                isolated(s.values, index) ? (
                  <circle
                    key={index}
                    cx={cx}
                    cy={cy}
                    r={3}
                    fill={seriesColour(k)}
                  />
                ) : (
                  <g key={index} />
                )
              }
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
};
