import { Flex } from '@backstage/ui';
import { ReactNode } from 'react';
import { LastUpdated } from './LastUpdated';
import { Loadable } from './Loadable';

/**
 * A view of what `usePolling` loads: when it was fetched (and a way to fetch
 * it now) above the value, or its loading, error or empty state.
 */
export function PolledView<T>(props: {
  state: {
    value?: T;
    loading: boolean;
    error?: Error;
    updatedAt?: Date;
    retry: () => void;
  };
  isEmpty?: (value: T) => boolean;
  emptyTitle?: string;
  children: (value: T) => ReactNode;
}) {
  const { state, ...loadable } = props;
  return (
    <Flex direction="column" gap="4">
      <LastUpdated
        updatedAt={state.updatedAt}
        error={state.error}
        onRefresh={state.retry}
      />
      <Loadable {...state} {...loadable} />
    </Flex>
  );
}
