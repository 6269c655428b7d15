import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { Route, Routes } from 'react-router-dom';
import { SWRConfig } from 'swr';
import { beskar7ApiRef } from './api';
import { testClient } from './components/__testUtils__/testClient';
import {
  makeDiagnosticsReport,
  makeHealth,
  makeIdleMetricsSummary,
  makePage,
  makePool,
  makeQueue,
} from './components/__testUtils__/fixtures';
import { beskar7Plugin, Beskar7Page, EntityBeskar7Card } from './index';

const server = setupServer();
registerMswTestHooks(server);

/** A legacy app: the API from the test provider, the page mounted at /beskar7. */
const inLegacyApp = (element: JSX.Element, path = '/') =>
  renderInTestApp(
    <SWRConfig value={{ provider: () => new Map() }}>
      <TestApiProvider
        apis={[
          [beskar7ApiRef, testClient],
          [
            permissionApiRef,
            mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
          ],
        ]}
      >
        {element}
      </TestApiProvider>
    </SWRConfig>,
    { routeEntries: [path] },
  );

describe('legacy frontend system', () => {
  beforeEach(() =>
    server.use(
      http.get('*/api/beskar7/pools', () =>
        HttpResponse.json({ items: [makePool('gpu', { Available: 2 })] }),
      ),
      http.get('*/api/beskar7/queue', () => HttpResponse.json(makeQueue())),
      http.get('*/api/beskar7/diagnostics', () =>
        HttpResponse.json(makeDiagnosticsReport([])),
      ),
      http.get('*/api/beskar7/machines', () =>
        HttpResponse.json(makePage([], { limit: 1 })),
      ),
      http.get('*/api/beskar7/health', () => HttpResponse.json(makeHealth())),
      http.get('*/api/beskar7/metrics/summary', () =>
        HttpResponse.json(makeIdleMetricsSummary()),
      ),
    ),
  );

  it('is a createPlugin plugin with the client as its API', () => {
    expect(beskar7Plugin.getId()).toBe('beskar7');
    expect([...beskar7Plugin.getApis()].map(f => f.api.id)).toEqual([
      beskar7ApiRef.id,
    ]);
  });

  it('renders the pages as a routable extension', async () => {
    await inLegacyApp(
      <Routes>
        <Route path="/beskar7/*" element={<Beskar7Page />} />
      </Routes>,
      '/beskar7',
    );
    expect(
      await screen.findByText('Beskar7 bare-metal fleet'),
    ).toBeInTheDocument();
    expect(await screen.findByText('All checks pass.')).toBeInTheDocument();
    expect(screen.getByTestId('queued')).toHaveTextContent('3 / 100 jobs');
  });

  it('renders the entity card for an entity naming a pool', async () => {
    await inLegacyApp(
      <EntityProvider
        entity={{
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'System',
          metadata: { name: 'ml', annotations: { 'beskar7.io/pool': 'gpu' } },
        }}
      >
        <EntityBeskar7Card />
      </EntityProvider>,
    );
    expect(
      await screen.findByText('2 hosts, 2 Available, 0% in use'),
    ).toBeInTheDocument();
  });
});
