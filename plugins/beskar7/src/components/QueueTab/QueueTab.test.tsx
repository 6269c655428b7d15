import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen } from '@testing-library/react';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { chartLegend as legend } from '../__testUtils__/chartLegend';
import {
  makeApiError,
  makeIdleMetricsSummary,
  makeMetricsSummary,
  makeQueue,
} from '../__testUtils__/fixtures';
import { renderWithApis } from '../__testUtils__/renderWithApis';
import { QueueTab } from './QueueTab';

const server = setupServer();
registerMswTestHooks(server);

/** Answers the queue, and the metrics summary with `summary`. */
function answer(summary: () => Response) {
  const windows: string[] = [];
  server.use(
    http.get('*/api/beskar7/queue', () => HttpResponse.json(makeQueue())),
    http.get('*/api/beskar7/metrics/summary', ({ request }) => {
      windows.push(new URL(request.url).searchParams.get('windowMinutes')!);
      return summary();
    }),
  );
  return windows;
}

describe('QueueTab', () => {
  it('charts the queue, claims and BMC latency by vendor from the summary', async () => {
    const windows = answer(() => HttpResponse.json(makeMetricsSummary()));
    await renderWithApis(<QueueTab />, { authorize: AuthorizeResult.ALLOW });

    expect(await legend('Queue length')).toEqual([
      'Queued: 3',
      'Queue limit: 100',
    ]);
    expect(await legend('Operations running')).toEqual([
      'Running: 2',
      'maxConcurrentOps: 5',
    ]);
    // The last sample: 1 conflict in 20 attempts.
    expect(await legend('Claim conflict rate')).toEqual([
      'Conflict rate: 5.0%',
      'Alert above: 15.0%',
    ]);
    expect(screen.getByTestId('claim-summary')).toHaveTextContent(
      'last 30 min: 5 conflict(s) in 40 attempt(s), 12.5%; latency p50 12 ms, p95 48 ms',
    );
    expect(await legend(/^By vendor/)).toEqual([
      'p50: dell 2.5 s (12 ops), hpe 800 ms (4 ops)',
      'p95: dell 9.0 s (12 ops), hpe 1.5 s (4 ops)',
      'p95 limit: 5.0 s',
    ]);
    // A vendor's current value is the last it measured.
    expect(await legend('p95 by vendor over time')).toEqual([
      'dell: 8.0 s',
      'hpe: 1.5 s',
      'p95 limit: 5.0 s',
    ]);
    expect(screen.getByText(/^Updated /)).toBeInTheDocument();
    expect(windows).toEqual(['30']);
    // A latency axis names its unit once and labels every tick in it.
    const byVendor = screen.getByRole('figure', { name: /^By vendor/ });
    const axisTexts = [...byVendor.querySelectorAll('svg text')].map(
      t => t.textContent,
    );
    expect(axisTexts).toContain('latency (s)');
    expect(axisTexts.filter(t => / m?s$/.test(t ?? ''))).toEqual([]);
  });

  it('shows skeletons while loading', async () => {
    server.use(
      http.get('*/api/beskar7/queue', async () => {
        await delay('infinite');
        return HttpResponse.json(makeQueue());
      }),
      http.get('*/api/beskar7/metrics/summary', () =>
        HttpResponse.json(makeMetricsSummary()),
      ),
    );
    await renderWithApis(<QueueTab />, { authorize: AuthorizeResult.ALLOW });
    expect(
      await screen.findByRole('status', { name: 'Loading' }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('last-updated')).toHaveTextContent('Loading…');
  });

  it('says when nothing has been measured yet', async () => {
    answer(() => HttpResponse.json(makeIdleMetricsSummary()));
    await renderWithApis(<QueueTab />, { authorize: AuthorizeResult.ALLOW });
    expect(
      await screen.findAllByText(
        'A sample is taken every 10 s; the chart starts with the first.',
      ),
    ).toHaveLength(4);
    expect(screen.getAllByText('No BMC operation in the window.')).toHaveLength(
      2,
    );
    expect(screen.getAllByTestId('chart-empty')).toHaveLength(7);
    // After a restart the legends say so, rather than "p50: p95:".
    expect(await legend(/^By vendor/)).toEqual([
      'p50: none yet',
      'p95: none yet',
      'p95 limit: 5.0 s',
    ]);
    expect(await legend('Claim latency')).toEqual(['Claim p95: none yet']);
    expect(document.querySelector('.recharts-wrapper')).toBeNull();
  });

  it('keeps the queue on screen when the metrics are refused', async () => {
    answer(() =>
      makeApiError(403, 'NotAllowedError', 'Not allowed: beskar7.host.read'),
    );
    await renderWithApis(<QueueTab />, { authorize: AuthorizeResult.DENY });
    expect(await screen.findByText('Metrics unavailable')).toBeInTheDocument();
    expect(
      screen.getAllByText(/Not allowed: beskar7\.host\.read/).length,
    ).toBeGreaterThan(0);
    expect(screen.getByTestId('queue-length')).toHaveTextContent(
      '3 / 100 jobs',
    );
    // Without the manage permission there is nothing to press but Refresh.
    expect(
      screen.queryByRole('button', { name: 'Pause' }),
    ).not.toBeInTheDocument();
  });

  it('shows the server error when the queue cannot be read', async () => {
    server.use(
      http.get('*/api/beskar7/queue', () =>
        makeApiError(500, 'Error', 'database unreachable'),
      ),
      http.get('*/api/beskar7/metrics/summary', () =>
        HttpResponse.json(makeMetricsSummary()),
      ),
    );
    await renderWithApis(<QueueTab />, { authorize: AuthorizeResult.ALLOW });
    expect(
      (await screen.findAllByText(/database unreachable/)).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByRole('figure')).not.toBeInTheDocument();
  });
});
