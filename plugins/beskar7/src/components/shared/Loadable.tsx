import { Alert, Box, Flex, Skeleton, Text } from '@backstage/ui';
import { ReactNode } from 'react';
import { describeError } from '../../api';

/** The error every view shows: the server's own message, which names the field. */
export const LoadError = ({ error }: { error: Error }) => (
  <Alert status="danger" icon title={describeError(error)} role="alert" />
);

/** Nothing to show, said in words. */
export const EmptyState = ({
  title,
  children,
}: {
  title: string;
  children?: ReactNode;
}) => (
  <Box py="6" px="4">
    <Flex direction="column" align="center" gap="2">
      <Text weight="bold">{title}</Text>
      {children}
    </Flex>
  </Box>
);

/** The loading, error and empty states every view shares. */
export function Loadable<T>(props: {
  value?: T;
  loading: boolean;
  error?: Error;
  isEmpty?: (value: T) => boolean;
  emptyTitle?: string;
  children: (value: T) => ReactNode;
}) {
  const { value, loading, error, isEmpty, emptyTitle, children } = props;
  if (error) return <LoadError error={error} />;
  if (value === undefined) {
    return loading ? (
      <Flex direction="column" gap="2" role="status" aria-label="Loading">
        <Skeleton width="40%" height={24} />
        <Skeleton width="100%" height={120} />
      </Flex>
    ) : null;
  }
  if (isEmpty?.(value)) {
    return <EmptyState title={emptyTitle ?? 'Nothing here yet'} />;
  }
  return <>{children(value)}</>;
}
