import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { HOST_STATES } from '@beskar7/backstage-plugin-beskar7-common';
import { screen, within } from '@testing-library/react';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  emptySummary,
  sampleQueue,
  sampleSummary,
} from '../__testUtils__/metricsFixtures';
import { renderWithApis } from '../__testUtils__/renderWithApis';
import { OverviewTab } from './OverviewTab';

const server = setupServer();
registerMswTestHooks(server);

const byState = Object.fromEntries(HOST_STATES.map(s => [s, 0]));

function fleet(summary: { body: object; status?: number }) {
  server.use(
    http.get('*/api/beskar7/pools', () =>
      HttpResponse.json({
        items: [
          {
            pool: 'default',
            total: 4,
            byState: { ...byState, Available: 1, Provisioned: 3 },
            utilisation: 0.75,
          },
        ],
      }),
    ),
    http.get('*/api/beskar7/queue', () => HttpResponse.json(sampleQueue)),
    http.get('*/api/beskar7/diagnostics', () =>
      HttpResponse.json({
        generatedAt: '2026-11-27T12:00:00.000Z',
        status: 'warning',
        checks: [
          {
            id: 'claim-conflict-rate',
            title: 'Claim conflict rate',
            status: 'warning',
            value: 0.125,
            message: '12.5% of claims lost a race',
            runbookId: 'claim-conflicts',
          },
        ],
      }),
    ),
    http.get('*/api/beskar7/machines', () =>
      HttpResponse.json({ items: [], totalCount: 7, offset: 0, limit: 1 }),
    ),
    http.get('*/api/beskar7/health', () =>
      HttpResponse.json({
        status: 'ok',
        database: { client: 'pg', reachable: true, latencyMs: 1 },
        version: '0.1.0',
      }),
    ),
    http.get('*/api/beskar7/metrics/summary', () =>
      HttpResponse.json(summary.body, { status: summary.status ?? 200 }),
    ),
  );
}

/** The legend entries of the chart titled `name`. */
async function legend(name: string | RegExp) {
  const figure = await screen.findByRole('figure', { name });
  return within(figure)
    .getAllByTestId('chart-legend')
    .map(e => e.textContent);
}

describe('OverviewTab', () => {
  it('shows the claim conflict rate, claim latency and BMC latency by vendor as charts', async () => {
    fleet({ body: sampleSummary });
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

  it('shows skeletons while loading', async () => {
    fleet({ body: sampleSummary });
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
  });

  it('says what is missing on a fresh replica', async () => {
    fleet({ body: emptySummary });
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
    fleet({
      body: {
        error: {
          name: 'NotAllowedError',
          message: 'Not allowed: beskar7.host.read',
        },
        response: { statusCode: 403 },
      },
      status: 403,
    });
    await renderWithApis(<OverviewTab />, { authorize: AuthorizeResult.DENY });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Not allowed: beskar7.host.read',
    );
    expect(screen.getByText('Metrics unavailable')).toBeInTheDocument();
    expect(screen.getByTestId('queued')).toHaveTextContent('3 / 100 jobs');
  });

  it('shows the server error when the fleet cannot be read', async () => {
    fleet({ body: sampleSummary });
    server.use(
      http.get('*/api/beskar7/pools', () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'database unreachable' },
            response: { statusCode: 500 },
          },
          { status: 500 },
        ),
      ),
    );
    await renderWithApis(<OverviewTab />, { authorize: AuthorizeResult.ALLOW });
    expect(
      (await screen.findAllByText(/database unreachable/)).length,
    ).toBeGreaterThan(0);
  });
});
