import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { renderWithApis } from '../__testUtils__/renderWithApis';
import { makeHostDetails, makePool } from '../__testUtils__/fixtures';
import { Beskar7EntityCard } from './Beskar7EntityCard';

const server = setupServer();
registerMswTestHooks(server);

const entity = (annotations: Record<string, string>, type: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'x', annotations },
  spec: { type, owner: 'group:default/guests' },
});

describe('Beskar7EntityCard', () => {
  it("shows a host entity's live state", async () => {
    const host = makeHostDetails({ state: 'Provisioned' });
    server.use(
      http.get('*/api/beskar7/hosts/:id', () => HttpResponse.json(host)),
    );
    await renderWithApis(
      <EntityProvider
        entity={entity({ 'beskar7.io/host-id': host.id }, 'physical-host')}
      >
        <Beskar7EntityCard />
      </EntityProvider>,
      { authorize: AuthorizeResult.ALLOW },
    );
    expect(await screen.findByText('Provisioned')).toBeInTheDocument();
    expect(screen.getByText(/PowerEdge R6515/)).toBeInTheDocument();
  });

  it("shows a pool entity's counts", async () => {
    server.use(
      http.get('*/api/beskar7/pools', () =>
        HttpResponse.json({
          items: [makePool('gpu', { Available: 1, Provisioned: 3 })],
        }),
      ),
    );
    await renderWithApis(
      <EntityProvider
        entity={entity({ 'beskar7.io/pool': 'gpu' }, 'host-pool')}
      >
        <Beskar7EntityCard />
      </EntityProvider>,
      { authorize: AuthorizeResult.ALLOW },
    );
    expect(
      await screen.findByText('4 hosts, 1 Available, 75% in use'),
    ).toBeInTheDocument();
  });
});
