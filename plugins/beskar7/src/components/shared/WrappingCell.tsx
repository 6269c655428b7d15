import { Cell, Text } from '@backstage/ui';
import styles from './WrappingCell.module.css';

/**
 * A table cell whose text wraps onto as many lines as it needs: for values
 * an operator must read whole (CellText cuts them with "…").
 */
export const WrappingCell = ({ text }: { text: string }) => (
  <Cell>
    <Text as="p" variant="body-medium" className={styles.text}>
      {text}
    </Text>
  </Cell>
);
