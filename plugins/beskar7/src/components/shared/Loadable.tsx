import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { ReactNode } from 'react';

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
  if (error) return <ResponseErrorPanel error={error} />;
  if (value === undefined) return loading ? <Progress /> : null;
  if (isEmpty?.(value)) {
    return (
      <EmptyState missing="data" title={emptyTitle ?? 'Nothing here yet'} />
    );
  }
  return <>{children(value)}</>;
}
