import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, within } from '@testing-library/react';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  emptySummary,
  sampleQueue,
  sampleSummary,
} from '../__testUtils__/metricsFixtures';
import { renderWithApis } from '../__testUtils__/renderWithApis';
import { QueueTab } from './QueueTab';

const server = setupServer();
registerMswTestHooks(server);

function answer(summary: object, status = 200) {
  const windows: string[] = [];
  server.use(
    http.get('*/api/beskar7/queue', () => HttpResponse.json(sampleQueue)),
    http.get('*/api/beskar7/metrics/summary', ({ request }) => {
      windows.push(new URL(request.url).searchParams.get('windowMinutes')!);
      return HttpResponse.json(summary, { status });
    }),
  );
  return windows;
}

describe('QueueTab', () => {
  it('charts the queue, claims and BMC latency by vendor from the summary', async () => {
    const windows = answer(sampleSummary);
    await renderWithApis(<QueueTab />, { authorize: AuthorizeResult.ALLOW });

    const queue = await screen.findByRole('img', { name: /^Queue length:/ });
    expect(queue).toHaveAccessibleName('Queue length: Queued 3, max 100');
    expect(
      screen.getByRole('img', { name: /^Operations running:/ }),
    ).toHaveAccessibleName('Operations running: Running 2, maxConcurrentOps 5');
    // The last sample: 1 conflict in 20 attempts.
    expect(
      screen.getByRole('img', { name: /^Claim conflict rate:/ }),
    ).toHaveAccessibleName('Claim conflict rate: Conflict rate 5.0%');
    expect(screen.getByTestId('claim-summary')).toHaveTextContent(
      'last 30 min: 5 conflict(s) in 40 attempt(s), 12.5%; latency p50 12 ms, p95 48 ms',
    );
    const byVendor = screen.getByRole('figure', { name: /By vendor/ });
    expect(within(byVendor).getByText(/^dell:/)).toHaveTextContent(
      'dell: p50 2.5 s, p95 9.0 s (12 ops)',
    );
    expect(within(byVendor).getByText(/^hpe:/)).toHaveTextContent(
      'hpe: p50 800 ms, p95 1.5 s (4 ops)',
    );
    // A vendor without operations in the last interval has no current value.
    expect(
      screen.getByRole('img', { name: /^p95 by vendor over time:/ }),
    ).toHaveAccessibleName('p95 by vendor over time: dell –, hpe –');
    expect(screen.getByText(/^Updated /)).toBeInTheDocument();
    expect(windows).toEqual(['30']);
  });

  it('shows a spinner while loading', async () => {
    server.use(
      http.get('*/api/beskar7/queue', async () => {
        await delay('infinite');
        return HttpResponse.json(sampleQueue);
      }),
      http.get('*/api/beskar7/metrics/summary', () =>
        HttpResponse.json(sampleSummary),
      ),
    );
    await renderWithApis(<QueueTab />, { authorize: AuthorizeResult.ALLOW });
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    expect(screen.getByTestId('last-updated')).toHaveTextContent('Loading…');
  });

  it('says when nothing has been measured yet', async () => {
    answer(emptySummary);
    await renderWithApis(<QueueTab />, { authorize: AuthorizeResult.ALLOW });
    expect(
      await screen.findAllByText('No samples yet: one is taken every 10 s.'),
    ).toHaveLength(4);
    expect(screen.getAllByText('No BMC operation in the window.')).toHaveLength(
      2,
    );
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
  });

  it('keeps the queue on screen when the metrics are refused', async () => {
    answer(
      {
        error: {
          name: 'NotAllowedError',
          message: 'Not allowed: beskar7.host.read',
        },
        response: { statusCode: 403 },
      },
      403,
    );
    await renderWithApis(<QueueTab />, { authorize: AuthorizeResult.DENY });
    expect(await screen.findByText('Metrics unavailable')).toBeInTheDocument();
    expect(
      screen.getAllByText(/Not allowed: beskar7\.host\.read/).length,
    ).toBeGreaterThan(0);
    expect(screen.getByText('Queue length: 3 / 100')).toBeInTheDocument();
    // Without the manage permission there is nothing to press but Refresh.
    expect(
      screen.queryByRole('button', { name: 'Pause' }),
    ).not.toBeInTheDocument();
  });

  it('shows the server error when the queue cannot be read', async () => {
    server.use(
      http.get('*/api/beskar7/queue', () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'database unreachable' },
            response: { statusCode: 500 },
          },
          { status: 500 },
        ),
      ),
      http.get('*/api/beskar7/metrics/summary', () =>
        HttpResponse.json(sampleSummary),
      ),
    );
    await renderWithApis(<QueueTab />, { authorize: AuthorizeResult.ALLOW });
    expect(
      (await screen.findAllByText(/database unreachable/)).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
  });
});
