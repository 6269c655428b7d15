import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { beskar7ApiRef, Beskar7Client } from '../../api';
import { HealthCard } from './HealthCard';

const client = new Beskar7Client({
  discoveryApi: {
    getBaseUrl: async pluginId => `http://localhost:7007/api/${pluginId}`,
  },
  fetchApi: { fetch: (input, init) => fetch(input, init) },
});

describe('HealthCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the health the backend reports', async () => {
    server.use(
      http.get('*/api/beskar7/health', () =>
        HttpResponse.json({
          status: 'ok',
          database: { client: 'pg', reachable: true, latencyMs: 1.25 },
          version: '0.1.0',
        }),
      ),
    );

    await renderInTestApp(<HealthCard />, {
      apis: [[beskar7ApiRef, client]],
    });

    expect(await screen.findByTestId('health-status')).toHaveTextContent('ok');
    expect(screen.getByTestId('health-db')).toHaveTextContent('pg');
    expect(screen.getByText(/1\.3 ms/)).toBeInTheDocument();
  });

  it('shows the error when the backend fails', async () => {
    server.use(
      http.get('*/api/beskar7/health', () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'database gone' } },
          { status: 503 },
        ),
      ),
    );

    await renderInTestApp(<HealthCard />, {
      apis: [[beskar7ApiRef, client]],
    });

    expect(await screen.findByText(/database gone/)).toBeInTheDocument();
  });
});
