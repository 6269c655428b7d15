import { Box, Text } from '@backstage/ui';
import { ReactNode } from 'react';
import styles from './Facts.module.css';

/** Label/value pairs of a section, as a description list. */
export const Facts = ({
  items,
}: {
  items: Array<{ label: string; value: ReactNode; testId?: string }>;
}) => (
  <Box as="dl" className={styles.facts}>
    {items.map(item => (
      <Box as="div" key={item.label} className={styles.row}>
        <Box as="dt">
          <Text variant="body-small" color="secondary">
            {item.label}
          </Text>
        </Box>
        <Box as="dd" className={styles.value} data-testid={item.testId}>
          {typeof item.value === 'string' || typeof item.value === 'number' ? (
            <Text variant="body-medium">{item.value}</Text>
          ) : (
            item.value
          )}
        </Box>
      </Box>
    ))}
  </Box>
);
