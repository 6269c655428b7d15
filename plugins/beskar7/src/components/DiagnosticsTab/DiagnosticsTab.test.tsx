import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, within } from '@testing-library/react';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  makeApiError,
  makeDiagnosticCheck,
  makeDiagnosticsReport,
} from '../__testUtils__/fixtures';
import { renderWithApis } from '../__testUtils__/renderWithApis';
import { DiagnosticsTab } from './DiagnosticsTab';

const server = setupServer();
registerMswTestHooks(server);

const report = makeDiagnosticsReport([
  makeDiagnosticCheck(),
  makeDiagnosticCheck({
    id: 'hosts-in-error',
    title: 'Hosts in Error',
    status: 'warning',
    value: 2,
    threshold: '0',
    message: '2 host(s) in Error: sim-03, sim-07',
    runbookId: 'host-state-recovery',
  }),
]);

describe('DiagnosticsTab', () => {
  it('shows each check with status, value, threshold and its runbook', async () => {
    server.use(
      http.get('*/api/beskar7/diagnostics', () => HttpResponse.json(report)),
    );
    await renderWithApis(<DiagnosticsTab />, {
      authorize: AuthorizeResult.ALLOW,
    });

    const table = await screen.findByRole('region', { name: 'health checks' });
    const row = within(table).getByRole('row', { name: /Hosts in Error/ });
    const cells = Array.from(row.children);
    expect(cells.map(c => c.textContent)).toEqual([
      'Hosts in Error',
      'warning',
      '2',
      '0',
      '2 host(s) in Error: sim-03, sim-07',
      'Start runbook',
    ]);
    expect(within(row).getByRole('link')).toHaveAttribute(
      'href',
      expect.stringContaining('runbooks/host-state-recovery'),
    );
    // A check with no runbook offers none.
    const database = within(table).getByRole('row', {
      name: /Database reachability/,
    });
    expect(within(database).queryByRole('link')).not.toBeInTheDocument();
    expect(screen.getByText(/^Updated /)).toBeInTheDocument();
  });

  it('shows a spinner while the checks run', async () => {
    server.use(
      http.get('*/api/beskar7/diagnostics', async () => {
        await delay('infinite');
        return HttpResponse.json(report);
      }),
    );
    await renderWithApis(<DiagnosticsTab />, {
      authorize: AuthorizeResult.ALLOW,
    });
    expect(
      await screen.findByRole('status', { name: 'Loading' }),
    ).toBeInTheDocument();
  });

  it('shows why the report failed', async () => {
    server.use(
      http.get('*/api/beskar7/diagnostics', () =>
        makeApiError(403, 'NotAllowedError', 'Access denied'),
      ),
    );
    await renderWithApis(<DiagnosticsTab />, {
      authorize: AuthorizeResult.DENY,
    });
    expect(await screen.findByText(/Access denied/)).toBeInTheDocument();
  });
});
