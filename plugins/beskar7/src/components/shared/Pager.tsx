import { Page } from '@beskar7/backstage-plugin-beskar7-common';
import { Button, Flex, Text } from '@backstage/ui';

/** Previous/next through a server-side page, with where we are in words. */
export const Pager = ({
  page,
  onOffset,
}: {
  page: Page<unknown>;
  onOffset: (offset: number) => void;
}) => (
  <Flex align="center" gap="2">
    <Button
      size="small"
      variant="secondary"
      isDisabled={page.offset === 0}
      onPress={() => onOffset(Math.max(0, page.offset - page.limit))}
    >
      Previous
    </Button>
    <Text variant="body-small" data-testid="page-info">
      {page.totalCount === 0 ? 0 : page.offset + 1}–
      {page.offset + page.items.length} of {page.totalCount}
    </Text>
    <Button
      size="small"
      variant="secondary"
      isDisabled={page.offset + page.limit >= page.totalCount}
      onPress={() => onOffset(page.offset + page.limit)}
    >
      Next
    </Button>
  </Flex>
);
