import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';

/** How often pages refresh what they show. */
export const REFRESH_INTERVAL_MS = 10_000;

/**
 * Loads with `load`, again every REFRESH_INTERVAL_MS and on `retry()`, and
 * remembers when the value was last fetched, so pages can say how fresh it is.
 */
export function usePolling<T>(load: () => Promise<T>, deps: unknown[]) {
  const [updatedAt, setUpdatedAt] = useState<Date>();
  const state = useAsyncRetry(async () => {
    const value = await load();
    setUpdatedAt(new Date());
    return value;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  const { retry } = state;
  useEffect(() => {
    const timer = setInterval(retry, REFRESH_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [retry]);
  return { ...state, updatedAt };
}
