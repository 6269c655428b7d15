import { Box, Flex, Link, Text } from '@backstage/ui';
import { ReactNode } from 'react';
import { StateChip } from './StateChip';

/**
 * One object's page: its name and state (with what can be done to it) above
 * its sections, and the way back to its list below them.
 */
export const DetailLayout = ({
  title,
  state,
  actions,
  back,
  children,
}: {
  title: string;
  state: string;
  actions?: ReactNode;
  back?: { href: string; label: string };
  children: ReactNode;
}) => (
  <Flex direction="column" gap="4">
    <Flex align="center" gap="3">
      <Text as="h2" variant="title-small">
        {title}
      </Text>
      <StateChip value={state} size="medium" />
      {actions}
    </Flex>
    {children}
    {back && (
      <Box>
        <Link href={back.href}>{back.label}</Link>
      </Box>
    )}
  </Flex>
);
