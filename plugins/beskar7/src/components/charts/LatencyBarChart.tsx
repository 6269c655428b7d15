import { LatencySummary } from '@beskar7/backstage-plugin-beskar7-common';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatMs } from '../shared/format';
import { ChartFrame } from './ChartFrame';
import { largest, latencyAxis } from './latencyAxis';
import { ChartThreshold } from './TimeSeriesChart';
import { seriesColour, THRESHOLD_COLOUR, TOOLTIP_STYLE } from './palette';

/**
 * p50 and p95 per group (vendor, operation) side by side on one scale,
 * with the p95 alert limit: which vendor is slow shows at a glance.
 */
export const LatencyBarChart = ({
  title,
  rows,
  threshold,
  emptyText,
}: {
  title: string;
  rows: Array<LatencySummary & { name: string }>;
  threshold: ChartThreshold;
  emptyText: string;
}) => {
  const axis = latencyAxis(
    largest([...rows.flatMap(r => [r.p50Ms, r.p95Ms]), threshold.value]),
  );
  return (
    <ChartFrame
      title={title}
      hasData={rows.length > 0}
      height={48 + rows.length * 40}
      emptyText={emptyText}
      legend={[
        ...(['p50Ms', 'p95Ms'] as const).map((key, k) => ({
          name: key === 'p50Ms' ? 'p50' : 'p95',
          value:
            rows.length > 0
              ? rows
                  .map(r => `${r.name} ${formatMs(r[key])} (${r.count} ops)`)
                  .join(', ')
              : undefined,
          colour: seriesColour(k),
        })),
        {
          name: threshold.name,
          value: formatMs(threshold.value),
          colour: THRESHOLD_COLOUR,
          dashed: true,
        },
      ]}
    >
      <ResponsiveContainer
        width="100%"
        height="100%"
        initialDimension={{ width: 480, height: 200 }}
      >
        <BarChart
          data={rows}
          layout="vertical"
          margin={{ top: 8, right: 16, bottom: 16, left: 8 }}
          accessibilityLayer={false}
        >
          <CartesianGrid stroke="currentColor" strokeOpacity={0.15} />
          <YAxis
            type="category"
            dataKey="name"
            tick={{ fill: 'currentColor', fontSize: 12 }}
            stroke="currentColor"
            width={112}
          />
          <XAxis
            type="number"
            tickFormatter={(v: number) => axis.tick(v)}
            tick={{ fill: 'currentColor', fontSize: 12 }}
            stroke="currentColor"
            label={{
              value: axis.label,
              position: 'insideBottom',
              offset: -8,
              fill: 'currentColor',
              fontSize: 12,
            }}
          />
          <Tooltip
            formatter={(v: unknown) => formatMs(Number(v))}
            contentStyle={TOOLTIP_STYLE}
            cursor={{ fillOpacity: 0.1 }}
          />
          <ReferenceLine
            x={threshold.value}
            stroke={THRESHOLD_COLOUR}
            strokeDasharray="6 4"
            ifOverflow="extendDomain"
          />
          <Bar
            dataKey="p50Ms"
            name="p50"
            fill={seriesColour(0)}
            isAnimationActive={false}
          />
          <Bar
            dataKey="p95Ms"
            name="p95"
            fill={seriesColour(1)}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
};
