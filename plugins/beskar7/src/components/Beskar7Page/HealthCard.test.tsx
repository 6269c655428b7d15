import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { beskar7ApiRef } from '../../api';
import { makeApiError, makeHealth } from '../__testUtils__/fixtures';
import { testClient } from '../__testUtils__/testClient';
import { HealthCard } from './HealthCard';

describe('HealthCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the health the backend reports', async () => {
    server.use(
      http.get('*/api/beskar7/health', () =>
        HttpResponse.json(
          makeHealth({
            database: { client: 'pg', reachable: true, latencyMs: 1.25 },
          }),
        ),
      ),
    );

    await renderInTestApp(<HealthCard />, {
      apis: [[beskar7ApiRef, testClient]],
    });

    expect(await screen.findByTestId('health-status')).toHaveTextContent('ok');
    expect(screen.getByTestId('health-db')).toHaveTextContent('pg');
    expect(screen.getByText(/1\.3 ms/)).toBeInTheDocument();
  });

  it('shows the error when the backend fails', async () => {
    server.use(
      http.get('*/api/beskar7/health', () =>
        makeApiError(503, 'Error', 'database gone'),
      ),
    );

    await renderInTestApp(<HealthCard />, {
      apis: [[beskar7ApiRef, testClient]],
    });

    expect(await screen.findByText(/database gone/)).toBeInTheDocument();
  });
});
