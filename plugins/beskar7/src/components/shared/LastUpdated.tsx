import { Button, Flex, Text } from '@backstage/ui';

/**
 * When the data on screen was fetched, and a way to fetch it now. While a
 * first load failed it says nothing: the view shows the error.
 */
export const LastUpdated = ({
  updatedAt,
  error,
  onRefresh,
}: {
  updatedAt?: Date;
  error?: Error;
  onRefresh: () => void;
}) => {
  let status: string | undefined;
  if (updatedAt) status = `Updated ${updatedAt.toLocaleTimeString()}`;
  else if (!error) status = 'Loading…';
  return (
    <Flex align="center" gap="2">
      {status && (
        <Text variant="body-small" data-testid="last-updated">
          {status}
        </Text>
      )}
      <Button size="small" variant="tertiary" onPress={onRefresh}>
        Refresh
      </Button>
    </Flex>
  );
};
