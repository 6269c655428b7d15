import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';
import { useState } from 'react';
import { describeError } from '../../api';

/**
 * Runs a write, tells the user how it went (the server's message on
 * failure), and lets the caller refresh after it.
 */
export function useAction() {
  const alertApi = useApi(alertApiRef);
  const [busy, setBusy] = useState(false);
  const run = async <T>(
    what: string,
    action: () => Promise<T>,
    after?: (result: T) => void,
  ) => {
    setBusy(true);
    try {
      const result = await action();
      alertApi.post({
        message: `${what}: done`,
        severity: 'success',
        display: 'transient',
      });
      after?.(result);
    } catch (error) {
      alertApi.post({
        message: `${what} failed: ${describeError(error)}`,
        severity: 'error',
      });
    } finally {
      setBusy(false);
    }
  };
  return { run, busy };
}
