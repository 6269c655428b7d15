import {
  alertApiRef,
  toastApiRef,
  useApi,
  useApiHolder,
} from '@backstage/frontend-plugin-api';
import { useState } from 'react';
import { describeError } from '../../api';

/** How long a success message stays up. */
const SUCCESS_TIMEOUT_MS = 5_000;

/**
 * Tells the user how a write went: through ToastApi where the app has it
 * (the new frontend system), else through AlertApi (apps on the legacy
 * plugin export have no ToastApi; AlertApi is deprecated in the new one).
 */
function useNotify() {
  const toastApi = useApiHolder().get(toastApiRef);
  const alertApi = useApi(alertApiRef);
  return (status: 'success' | 'danger', message: string) => {
    if (toastApi) {
      toastApi.post({
        title: message,
        status,
        ...(status === 'success' ? { timeout: SUCCESS_TIMEOUT_MS } : {}),
      });
      return;
    }
    alertApi.post({
      message,
      severity: status === 'success' ? 'success' : 'error',
      ...(status === 'success' ? { display: 'transient' as const } : {}),
    });
  };
}

/**
 * Runs a write, tells the user how it went (the server's message on
 * failure), and lets the caller refresh after it.
 */
export function useAction() {
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const run = async <T>(
    what: string,
    action: () => Promise<T>,
    after?: (result: T) => void,
  ) => {
    setBusy(true);
    try {
      const result = await action();
      notify('success', `${what}: done`);
      after?.(result);
    } catch (error) {
      notify('danger', `${what} failed: ${describeError(error)}`);
    } finally {
      setBusy(false);
    }
  };
  return { run, busy };
}
