import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { Route, Routes } from 'react-router-dom';
import { renderWithApis } from '../__testUtils__/renderWithApis';
import {
  makeApiError,
  makeHost,
  makeHostDetails,
  makeHostEvent,
  makeMachine,
  makePage,
  makePool,
} from '../__testUtils__/fixtures';
import { HostsTab } from './HostsTab';

const server = setupServer();
registerMswTestHooks(server);

const render = (
  path: string,
  authorize: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
) =>
  renderWithApis(
    <Routes>
      <Route path="/hosts/*" element={<HostsTab />} />
    </Routes>,
    { initialRouteEntries: [path], authorize },
  );

describe('HostsTab', () => {
  const host = makeHost();
  const machine = makeMachine();
  const heldHost = makeHost({
    id: '33333333-3333-4333-8333-333333333333',
    name: 'sim-01',
    state: 'Provisioned',
    consumerId: machine.id,
  });

  /** The machines list, answering the ids it is asked for; records each query. */
  const machineQueries: string[] = [];
  const machinesById = () =>
    http.get('*/api/beskar7/machines', ({ request }) => {
      const url = new URL(request.url);
      machineQueries.push(url.search);
      const ids = url.searchParams.getAll('id');
      return HttpResponse.json(
        makePage([machine].filter(m => ids.includes(m.id))),
      );
    });
  beforeEach(() => {
    machineQueries.length = 0;
  });

  function fleet() {
    const queries: string[] = [];
    server.use(
      http.get('*/api/beskar7/pools', () =>
        HttpResponse.json({
          items: [makePool('default', { Available: 59, Provisioned: 1 })],
        }),
      ),
      machinesById(),
      http.get('*/api/beskar7/hosts', ({ request }) => {
        queries.push(new URL(request.url).search);
        return HttpResponse.json(
          makePage([host, heldHost], { totalCount: 60 }),
        );
      }),
    );
    return queries;
  }

  it('asks the server for the filtered page it shows', async () => {
    const user = userEvent.setup();
    const queries = fleet();
    await render('/hosts', AuthorizeResult.ALLOW);

    expect(await screen.findByText('simulator/sim-00')).toBeInTheDocument();
    expect(queries[0]).toBe('?offset=0&limit=25');

    await user.click(screen.getByRole('button', { name: /State/ }));
    await user.click(await screen.findByRole('option', { name: 'Error' }));
    await waitFor(() =>
      expect(queries).toContain('?state=Error&offset=0&limit=25'),
    );

    await user.click(screen.getByRole('button', { name: /Next/ }));
    await waitFor(() =>
      expect(queries).toContain('?state=Error&offset=25&limit=25'),
    );
  });

  it('sorts by a column header through the API', async () => {
    const user = userEvent.setup();
    const queries = fleet();
    await render('/hosts', AuthorizeResult.ALLOW);
    await screen.findByText('simulator/sim-00');

    await user.click(screen.getByRole('columnheader', { name: /State/ }));
    await waitFor(() =>
      expect(queries).toContain('?offset=0&limit=25&orderBy=state&order=asc'),
    );
    await user.click(screen.getByRole('columnheader', { name: /State/ }));
    await waitFor(() =>
      expect(queries).toContain('?offset=0&limit=25&orderBy=state&order=desc'),
    );
    // Columns the API cannot sort by offer no sorting.
    expect(
      screen.getByRole('columnheader', { name: 'Consumer' }),
    ).not.toHaveAttribute('aria-sort');
  });

  it('opens filtered by the link it came from', async () => {
    const queries = fleet();
    await render('/hosts?state=Available&pool=default', AuthorizeResult.ALLOW);
    await screen.findByText('simulator/sim-00');
    expect(queries[0]).toBe('?state=Available&pool=default&offset=0&limit=25');
  });

  it("names the consumer by its machine's namespace/name, with a link", async () => {
    fleet();
    await render('/hosts', AuthorizeResult.ALLOW);
    const link = await screen.findByRole('link', { name: 'default/web-0' });
    expect(link).toHaveAttribute('href', `/beskar7/machines/${machine.id}`);
    // The page's consumers come in one request, not one per machine.
    expect(machineQueries).toEqual([`?offset=0&limit=1&id=${machine.id}`]);
    // Each state has its own chip: Available and Provisioned differ.
    const hosts = screen.getByRole('region', { name: 'hosts' });
    const available = hosts.querySelector('[data-state="Available"]');
    const provisioned = hosts.querySelector('[data-state="Provisioned"]');
    expect(available).toHaveTextContent('Available');
    expect(provisioned).toHaveTextContent('Provisioned');
    expect(available?.className).not.toEqual(provisioned?.className);
  });

  it('shows an empty state when nothing matches', async () => {
    server.use(
      http.get('*/api/beskar7/pools', () => HttpResponse.json({ items: [] })),
      http.get('*/api/beskar7/hosts', () => HttpResponse.json(makePage([]))),
    );
    await render('/hosts', AuthorizeResult.ALLOW);
    expect(
      await screen.findByText('No host matches these filters'),
    ).toBeInTheDocument();
  });

  it('shows the server error when the list fails', async () => {
    server.use(
      http.get('*/api/beskar7/pools', () => HttpResponse.json({ items: [] })),
      http.get('*/api/beskar7/hosts', () =>
        makeApiError(400, 'InputError', 'Invalid host query: limit: too big'),
      ),
    );
    await render('/hosts', AuthorizeResult.ALLOW);
    expect(await screen.findByText(/limit: too big/)).toBeInTheDocument();
  });

  const failedHost = makeHostDetails({
    state: 'Error',
    powerState: 'Off',
    powerStateObservedAt: '2026-11-22T10:06:00.000Z',
    errorMessage: 'BMC unreachable',
    events: [
      makeHostEvent({
        id: 2,
        fromState: 'Available',
        toState: 'Error',
        reason: 'Drill',
        createdAt: '2026-11-22T10:06:00.000Z',
      }),
    ],
  });

  it('shows hardware, the BMC address and history, without credentials', async () => {
    server.use(
      http.get('*/api/beskar7/hosts/:id', () => HttpResponse.json(failedHost)),
    );
    await render(`/hosts/${host.id}`, AuthorizeResult.DENY);

    expect(await screen.findByTestId('bmc-address')).toHaveTextContent(
      'https://10.0.0.5',
    );
    const history = screen.getByRole('list', { name: 'state history' });
    expect(history).toHaveTextContent(/Available.*Error.*Drill/);
    expect(screen.getByTestId('power-state')).toHaveTextContent('Off');
    expect(screen.queryByText(/rack-a/)).not.toBeInTheDocument();
    // Without the permission, no action is offered.
    expect(
      screen.queryByRole('button', { name: 'Recover' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Save tags' }),
    ).not.toBeInTheDocument();
  });

  it('shows what the BMC offers for provisioning, and the modes that follow', async () => {
    server.use(
      http.get('*/api/beskar7/hosts/:id', () =>
        HttpResponse.json(
          makeHostDetails({
            capabilities: {
              virtualMediaTypes: [],
              bootSourceOverrideTargets: ['None', 'Pxe', 'Hdd'],
            },
          }),
        ),
      ),
    );
    await render(`/hosts/${host.id}`, AuthorizeResult.DENY);
    expect(await screen.findByTestId('virtual-media-types')).toHaveTextContent(
      'none',
    );
    expect(screen.getByTestId('boot-targets')).toHaveTextContent(
      'None, Pxe, Hdd',
    );
    expect(screen.getByTestId('provisioning-modes-uefi')).toHaveTextContent(
      /^PXE, iPXE$/,
    );
  });

  it('says when the capabilities were not read yet', async () => {
    server.use(
      http.get('*/api/beskar7/hosts/:id', () =>
        HttpResponse.json(makeHostDetails({})),
      ),
    );
    await render(`/hosts/${host.id}`, AuthorizeResult.DENY);
    expect(
      await screen.findByText('Provisioning capabilities'),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('virtual-media-types')).not.toBeInTheDocument();
  });

  it('shows only the error when a host cannot be read', async () => {
    server.use(
      http.get('*/api/beskar7/hosts/:id', () =>
        makeApiError(404, 'NotFoundError', 'No host gone-host'),
      ),
    );
    await render('/hosts/gone-host', AuthorizeResult.ALLOW);
    expect(await screen.findByText(/No host gone-host/)).toBeInTheDocument();
    expect(screen.queryByText('Loading…')).not.toBeInTheDocument();
  });

  it('says when a host lets its BMC login cross plain HTTP', async () => {
    server.use(
      http.get('*/api/beskar7/hosts/:id', () =>
        HttpResponse.json(
          makeHostDetails({
            bmc: {
              ...host.bmc,
              address: 'http://10.0.0.5',
              allowPlainHttp: true,
            },
          }),
        ),
      ),
    );
    await render(`/hosts/${host.id}`, AuthorizeResult.DENY);
    expect(await screen.findByTestId('bmc-plain-http')).toHaveTextContent(
      /allowed/,
    );
  });

  it('recovers a failed host after confirmation, with the permission', async () => {
    let recovered = 0;
    server.use(
      http.get('*/api/beskar7/hosts/:id', () => HttpResponse.json(failedHost)),
      http.post('*/api/beskar7/hosts/:id/recover', () => {
        recovered++;
        return HttpResponse.json(makeHost({ state: 'Enrolling' }));
      }),
    );
    await render(`/hosts/${host.id}`, AuthorizeResult.ALLOW);

    // The guided way, with the host filled in.
    expect(
      await screen.findByRole('link', { name: /Recover step by step/ }),
    ).toHaveAttribute(
      'href',
      expect.stringContaining(`runbooks/host-state-recovery?hostId=${host.id}`),
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Recover' }));
    expect(
      await screen.findByRole('dialog', { name: 'Recover?' }),
    ).toHaveTextContent('It will be inspected again through its BMC.');
    expect(recovered).toBe(0);
    fireEvent.click(screen.getByRole('button', { name: 'Confirm recover' }));
    await waitFor(() => expect(recovered).toBe(1));
  });

  it('shows the cluster and role a host serves, and lists the hosts of one cluster', async () => {
    const queries: string[] = [];
    const inCluster = makeHost({
      ...heldHost,
      cluster: {
        namespace: 'payments',
        name: 'prod',
        role: 'control-plane',
        machine: 'prod-cp-abc',
      },
    });
    server.use(
      http.get('*/api/beskar7/pools', () => HttpResponse.json({ items: [] })),
      machinesById(),
      http.get('*/api/beskar7/hosts', ({ request }) => {
        queries.push(new URL(request.url).search);
        return HttpResponse.json(makePage([inCluster]));
      }),
    );
    await render('/hosts?cluster=payments%2Fprod', AuthorizeResult.ALLOW);

    const link = await screen.findByRole('link', {
      name: 'payments/prod · control plane',
    });
    expect(link).toHaveAttribute(
      'href',
      expect.stringMatching(/\/clusters\/payments\/prod$/),
    );
    expect(queries[0]).toBe('?cluster=payments%2Fprod&offset=0&limit=25');
    expect(
      screen.getByText('Hosts of cluster payments/prod'),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Show every host' }));
    await waitFor(() => expect(queries).toContain('?offset=0&limit=25'));
  });
});
