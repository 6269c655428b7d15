import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { renderWithApis } from '../__testUtils__/renderWithApis';
import {
  makeApiError,
  makeHost,
  makePage,
  makePool,
} from '../__testUtils__/fixtures';
import { Beskar7EntityContent } from './Beskar7EntityContent';

const server = setupServer();
registerMswTestHooks(server);

const system = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'ml-platform', annotations: { 'beskar7.io/pool': 'gpu' } },
  spec: { owner: 'group:default/ml' },
};

const render = () =>
  renderWithApis(
    <EntityProvider entity={system}>
      <Beskar7EntityContent />
    </EntityProvider>,
    { authorize: AuthorizeResult.ALLOW },
  );

describe('Beskar7EntityContent', () => {
  it("shows the pool's health and pages through its hosts", async () => {
    const queries: string[] = [];
    server.use(
      http.get('*/api/beskar7/pools', () =>
        HttpResponse.json({
          items: [
            makePool('gpu', { Available: 10, Provisioned: 18, Error: 2 }),
          ],
        }),
      ),
      http.get('*/api/beskar7/hosts', ({ request }) => {
        const url = new URL(request.url);
        queries.push(url.search);
        return HttpResponse.json(
          makePage([makeHost({ pool: 'gpu', state: 'Error' })], {
            totalCount: 30,
            offset: Number(url.searchParams.get('offset')),
            limit: 20,
          }),
        );
      }),
    );
    await render();

    expect(
      await screen.findByRole('img', { name: /^Hosts in pool gpu by state/ }),
    ).toHaveAccessibleName(
      'Hosts in pool gpu by state: 10 Available, 18 Provisioned, 2 Error',
    );
    expect(screen.getByText(/2 host\(s\) in Error/)).toBeInTheDocument();
    const table = screen.getByRole('region', { name: 'hosts in pool gpu' });
    expect(within(table).getByText('simulator/sim-00')).toBeInTheDocument();
    expect(queries[0]).toBe('?pool=gpu&offset=0&limit=20');
    expect(screen.getByTestId('last-updated')).toHaveTextContent(/^Updated /);

    fireEvent.click(screen.getByRole('button', { name: /Next/ }));
    await waitFor(() =>
      expect(queries).toContain('?pool=gpu&offset=20&limit=20'),
    );
  });

  it('says so when the pool has no hosts', async () => {
    server.use(
      http.get('*/api/beskar7/pools', () => HttpResponse.json({ items: [] })),
      http.get('*/api/beskar7/hosts', () =>
        HttpResponse.json(makePage([], { limit: 20 })),
      ),
    );
    await render();
    expect(
      await screen.findByText('Pool gpu has no hosts'),
    ).toBeInTheDocument();
  });

  it('shows why the hosts cannot be read', async () => {
    server.use(
      http.get('*/api/beskar7/pools', () => HttpResponse.json({ items: [] })),
      http.get('*/api/beskar7/hosts', () =>
        makeApiError(403, 'NotAllowedError', 'Not allowed: beskar7.host.read'),
      ),
    );
    await render();
    expect(
      (await screen.findAllByText(/beskar7\.host\.read/)).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByRole('region', { name: /hosts in pool/ })).toBeNull();
  });
});
