import { Box, Flex, Text } from '@backstage/ui';
import { RiLineChartLine } from '@remixicon/react';
import { ReactNode } from 'react';
import styles from './Chart.module.css';

/** One legend entry: a series with its current value, or a threshold. */
export interface LegendEntry {
  name: string;
  /** Absent while nothing was measured (after a restart, say). */
  value?: string;
  colour: string;
  dashed?: boolean;
}

/** What a legend says of a series that has no value yet. */
export const NONE_YET = 'none yet';

/** A legend value: formatted, or absent while nothing was measured. */
export function valueOrNone(
  value: number | undefined,
  format: (value: number) => string,
): string | undefined {
  return value === undefined ? undefined : format(value);
}

/**
 * What every chart shares: its title, the plot (or an explicit "no data
 * yet" with the reason) and a legend that gives each line's current value.
 */
export const ChartFrame = ({
  title,
  hasData,
  emptyText,
  legend,
  height = 200,
  children,
}: {
  title: string;
  /** Of the plot, in pixels. */
  height?: number;
  hasData: boolean;
  emptyText: string;
  legend: LegendEntry[];
  children: ReactNode;
}) => (
  <Box as="figure" className={styles.figure} aria-label={title}>
    <Flex direction="column" gap="2">
      <Text as="h4" variant="title-x-small">
        {title}
      </Text>
      {hasData ? (
        <div className={styles.plot} style={{ height }}>
          {children}
        </div>
      ) : (
        <Flex
          className={styles.empty}
          direction="column"
          align="center"
          justify="center"
          gap="1"
          data-testid="chart-empty"
        >
          <RiLineChartLine aria-hidden />
          <Text weight="bold">No data yet</Text>
          <Text variant="body-small" color="secondary">
            {emptyText}
          </Text>
        </Flex>
      )}
      <Flex gap="3" className={styles.legend}>
        {legend.map(entry => (
          <Text
            key={entry.name}
            variant="body-small"
            data-testid="chart-legend"
          >
            <span
              aria-hidden
              className={entry.dashed ? styles.dashed : styles.swatch}
              style={
                entry.dashed
                  ? { borderColor: entry.colour }
                  : { backgroundColor: entry.colour }
              }
            />
            {entry.name}:{' '}
            {entry.value === undefined ? (
              <em>{NONE_YET}</em>
            ) : (
              <strong>{entry.value}</strong>
            )}
          </Text>
        ))}
      </Flex>
    </Flex>
  </Box>
);
