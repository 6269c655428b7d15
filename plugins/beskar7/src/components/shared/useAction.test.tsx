import {
  alertApiRef,
  ToastApi,
  toastApiRef,
} from '@backstage/frontend-plugin-api';
import { mockApis, TestApiProvider } from '@backstage/frontend-test-utils';
import { act, renderHook } from '@testing-library/react';
import { ReactNode } from 'react';
import { useAction } from './useAction';

function recordingToastApi() {
  const posted: Parameters<ToastApi['post']>[0][] = [];
  const api: ToastApi = {
    post: toast => {
      posted.push(toast);
      return { close: () => {} };
    },
  };
  return { api, posted };
}

describe('useAction', () => {
  it('tells the user through ToastApi where the app has it', async () => {
    const toast = recordingToastApi();
    const alerts = mockApis.alert();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <TestApiProvider
        apis={[
          [toastApiRef, toast.api],
          [alertApiRef, alerts],
        ]}
      >
        {children}
      </TestApiProvider>
    );
    const { result } = renderHook(() => useAction(), { wrapper });
    await act(() => result.current.run('Power on', async () => 'ok'));
    await act(() =>
      result.current.run('Release', async () => {
        throw new Error('host is busy');
      }),
    );
    expect(toast.posted).toEqual([
      { title: 'Power on: done', status: 'success', timeout: 5000 },
      { title: 'Release failed: host is busy', status: 'danger' },
    ]);
    expect(alerts.getAlerts()).toEqual([]);
  });

  it('falls back to AlertApi in apps without ToastApi (the legacy plugin)', async () => {
    const alerts = mockApis.alert();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <TestApiProvider apis={[[alertApiRef, alerts]]}>
        {children}
      </TestApiProvider>
    );
    const { result } = renderHook(() => useAction(), { wrapper });
    await act(() =>
      result.current.run('Release', async () => {
        throw new Error('host is busy');
      }),
    );
    expect(alerts.getAlerts()).toEqual([
      { message: 'Release failed: host is busy', severity: 'error' },
    ]);
  });
});
