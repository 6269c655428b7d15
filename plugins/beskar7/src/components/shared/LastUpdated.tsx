import { Button, Flex, Text } from '@backstage/ui';

/** When the data on screen was fetched, and a way to fetch it now. */
export const LastUpdated = ({
  updatedAt,
  onRefresh,
}: {
  updatedAt?: Date;
  onRefresh: () => void;
}) => (
  <Flex align="center" gap="2">
    <Text variant="body-small" data-testid="last-updated">
      {updatedAt ? `Updated ${updatedAt.toLocaleTimeString()}` : 'Loading…'}
    </Text>
    <Button size="small" variant="tertiary" onPress={onRefresh}>
      Refresh
    </Button>
  </Flex>
);
