import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, within } from '@testing-library/react';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { chartLegend as legend } from '../__testUtils__/chartLegend';
import {
  makeApiError,
  makeDiagnosticCheck,
  makeDiagnosticsReport,
  makeHealth,
  makeIdleMetricsSummary,
  makeMetricsSummary,
  makePage,
  makePool,
  makeQueue,
} from '../__testUtils__/fixtures';
import { renderWithApis } from '../__testUtils__/renderWithApis';
import { OverviewTab } from './OverviewTab';

const server = setupServer();
registerMswTestHooks(server);

/** Answers every overview read, and the metrics summary with `summary`. */
function fleet(summary: () => Response) {
  server.use(
    http.get('*/api/beskar7/pools', () =>
      HttpResponse.json({
        items: [makePool('default', { Available: 1, Provisioned: 3 })],
      }),
    ),
    http.get('*/api/beskar7/queue', () => HttpResponse.json(makeQueue())),
    http.get('*/api/beskar7/diagnostics', () =>
      HttpResponse.json(
        makeDiagnosticsReport([
          makeDiagnosticCheck({
            id: 'claim-conflict-rate',
            title: 'Claim conflict rate',
            status: 'warning',
            value: 0.125,
            threshold: '> 15%',
            message: '12.5% of claims lost a race',
            runbookId: 'claim-conflicts',
          }),
        ]),
      ),
    ),
    http.get('*/api/beskar7/machines', () =>
      HttpResponse.json(makePage([], { totalCount: 7, limit: 1 })),
    ),
    http.get('*/api/beskar7/health', () => HttpResponse.json(makeHealth())),
    http.get('*/api/beskar7/metrics/summary', summary),
  );
}

describe('OverviewTab', () => {
  it('shows the claim conflict rate, claim latency and BMC latency by vendor as charts', async () => {
    fleet(() => HttpResponse.json(makeMetricsSummary()));
    await renderWithApis(<OverviewTab />, { authorize: AuthorizeResult.ALLOW });

    // Each legend gives the current value and the alert limit.
    expect(await legend('Claim conflict rate')).toEqual([
      'Conflict rate: 5.0%',
      'Alert above: 15.0%',
    ]);
    expect(await legend('Claim latency')).toEqual(['Claim p95: 40 ms']);
    expect(await legend('Queue length')).toEqual([
      'Queued: 3',
      'Queue limit: 100',
    ]);
    expect(await legend(/^By vendor/)).toEqual([
      'p50: dell 2.5 s (12 ops), hpe 800 ms (4 ops)',
      'p95: dell 9.0 s (12 ops), hpe 1.5 s (4 ops)',
      'p95 limit: 5.0 s',
    ]);
    expect(screen.getByTestId('claim-summary')).toHaveTextContent('12.5%');
    expect(
      screen.getByRole('link', { name: 'Open the runbook' }),
    ).toHaveAttribute(
      'href',
      expect.stringContaining('runbooks/claim-conflicts'),
    );
    // Hosts by state: counts and shares, each linking to the filtered list.
    const states = screen.getByRole('group', { name: 'Hosts by state' });
    expect(
      within(states).getByRole('img', { name: /^Hosts by state:/ }),
    ).toHaveAccessibleName('Hosts by state: 1 Available, 3 Provisioned');
    expect(
      within(states).getByRole('link', { name: '3 Provisioned hosts' }),
    ).toHaveAttribute('href', '/beskar7/hosts?state=Provisioned');
    expect(within(states).getByText('75%')).toBeInTheDocument();
    expect(screen.getByTestId('last-updated')).toHaveTextContent(/^Updated /);
  });

  it('shows skeletons while loading, and the backend health without waiting for the fleet', async () => {
    fleet(() => HttpResponse.json(makeMetricsSummary()));
    server.use(
      http.get('*/api/beskar7/pools', async () => {
        await delay('infinite');
        return HttpResponse.json({ items: [] });
      }),
    );
    await renderWithApis(<OverviewTab />, { authorize: AuthorizeResult.ALLOW });
    expect(
      await screen.findByRole('status', { name: 'Loading' }),
    ).toBeInTheDocument();
    // Its own request, made beside the fleet's rather than after them.
    expect(await screen.findByTestId('health-status')).toHaveTextContent('ok');
  });

  it('says what is missing on a fresh replica', async () => {
    fleet(() => HttpResponse.json(makeIdleMetricsSummary()));
    await renderWithApis(<OverviewTab />, { authorize: AuthorizeResult.ALLOW });
    expect(
      await screen.findByText('No BMC operation in the window.'),
    ).toBeInTheDocument();
    // Every chart says it has no data yet, and why, instead of an empty box.
    expect(screen.getAllByTestId('chart-empty')).toHaveLength(4);
    expect(
      screen.getAllByText(
        'A sample is taken every 10 s; the chart starts with the first.',
      ),
    ).toHaveLength(3);
    expect(screen.getByTestId('claim-summary')).toHaveTextContent(
      '0 conflict(s) in 0 attempt(s), –',
    );
  });

  it('shows the rest of the overview when the metrics are refused', async () => {
    fleet(() =>
      makeApiError(403, 'NotAllowedError', 'Not allowed: beskar7.host.read'),
    );
    await renderWithApis(<OverviewTab />, { authorize: AuthorizeResult.DENY });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Not allowed: beskar7.host.read',
    );
    expect(screen.getByText('Metrics unavailable')).toBeInTheDocument();
    expect(screen.getByTestId('queued')).toHaveTextContent('3 / 100 jobs');
  });

  it('shows the server error when the fleet cannot be read', async () => {
    fleet(() => HttpResponse.json(makeMetricsSummary()));
    server.use(
      http.get('*/api/beskar7/pools', () =>
        makeApiError(500, 'Error', 'database unreachable'),
      ),
    );
    await renderWithApis(<OverviewTab />, { authorize: AuthorizeResult.ALLOW });
    expect(
      (await screen.findAllByText(/database unreachable/)).length,
    ).toBeGreaterThan(0);
  });
});
