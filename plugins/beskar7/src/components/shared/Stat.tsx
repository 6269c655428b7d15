import { Flex, Text } from '@backstage/ui';

/** One figure with its unit and, where there is one, its limit. */
export const Stat = ({
  label,
  value,
  unit,
  limit,
  testId,
}: {
  label: string;
  value: number | string;
  unit: string;
  limit?: number | string;
  testId?: string;
}) => (
  <Flex direction="column" gap="1">
    <Text variant="body-small" color="secondary">
      {label}
    </Text>
    <Text variant="title-small" data-testid={testId}>
      {value}
      {limit !== undefined && (
        <Text variant="body-medium" color="secondary">
          {' '}
          / {limit}
        </Text>
      )}{' '}
      <Text variant="body-small" color="secondary">
        {unit}
      </Text>
    </Text>
  </Flex>
);
