import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ClusterDetails,
  ClusterSummary,
} from '@beskar7/backstage-plugin-beskar7-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { Route, Routes } from 'react-router-dom';
import { makeApiError } from '../__testUtils__/fixtures';
import { renderWithApis } from '../__testUtils__/renderWithApis';
import { ClustersTab } from './ClustersTab';

const server = setupServer();
registerMswTestHooks(server);

const summary: ClusterSummary = {
  namespace: 'payments',
  name: 'prod',
  phase: 'Provisioned',
  controlPlaneEndpoint: '10.0.0.10:6443',
  kubernetesVersion: 'v1.32.0',
  controlPlane: {
    kind: 'KubeadmControlPlane',
    name: 'prod-cp',
    version: 'v1.32.0',
    replicas: { desired: 3, ready: 2 },
  },
  machineDeployments: [
    { name: 'prod-workers', replicas: { desired: 2, ready: 1 } },
  ],
  failureDomains: [{ name: 'rack-a', controlPlane: true }],
  problems: [
    {
      kind: 'Machine',
      name: 'prod-workers-x',
      type: 'InfrastructureReady',
      status: 'False',
      reason: 'WaitingForHost',
      message: 'no Available host matches',
    },
  ],
  owner: 'group:default/payments',
  paused: false,
};

const details: ClusterDetails = {
  ...summary,
  controlPlaneMachines: [
    {
      name: 'prod-cp-abc',
      role: 'control-plane',
      phase: 'Provisioned',
      beskar7Machine: {
        name: 'prod-cp-abc',
        phase: 'Provisioned',
        ready: true,
      },
      host: {
        id: 'host-1',
        name: 'rack-a-01',
        namespace: 'payments',
        state: 'Provisioned',
      },
      problems: [],
    },
  ],
  workers: [
    {
      machineDeployment: 'prod-workers',
      machines: [
        {
          name: 'prod-workers-x',
          role: 'worker',
          phase: 'Provisioning',
          problems: summary.problems,
        },
      ],
    },
  ],
  otherMachines: [],
};

const render = (
  path: string,
  authorize:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) =>
  renderWithApis(
    <Routes>
      <Route path="/clusters/*" element={<ClustersTab />} />
    </Routes>,
    { initialRouteEntries: [path], authorize },
  );

describe('ClustersTab', () => {
  it('lists clusters with replicas, endpoint, version and what is not ready', async () => {
    server.use(
      http.get('*/api/beskar7/clusters', () =>
        HttpResponse.json({ items: [summary], kubernetesEnabled: true }),
      ),
    );
    await render('/clusters');
    const row = (await screen.findByText('payments/prod')).closest('tr')!;
    expect(within(row).getByText('Provisioned')).toBeInTheDocument();
    expect(within(row).getByText('v1.32.0')).toBeInTheDocument();
    expect(within(row).getByText('10.0.0.10:6443')).toBeInTheDocument();
    expect(within(row).getByText('2/3')).toBeInTheDocument();
    expect(within(row).getByText('prod-workers 1/2')).toBeInTheDocument();
    expect(within(row).getByText('rack-a')).toBeInTheDocument();
    expect(
      within(row).getByText('Machine InfrastructureReady: WaitingForHost'),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'payments/prod' })).toHaveAttribute(
      'href',
      expect.stringMatching(/\/clusters\/payments\/prod$/),
    );
  });

  it('says when the backend has no Kubernetes API', async () => {
    server.use(
      http.get('*/api/beskar7/clusters', () =>
        HttpResponse.json({ items: [], kubernetesEnabled: false }),
      ),
    );
    await render('/clusters');
    expect(
      await screen.findByText(/enable beskar7.kubernetes/),
    ).toBeInTheDocument();
  });

  it('shows the tree down to each host, linking to its host page', async () => {
    server.use(
      http.get('*/api/beskar7/clusters/payments/prod', () =>
        HttpResponse.json(details),
      ),
    );
    await render('/clusters/payments/prod');
    const cp = await screen.findByRole('region', {
      name: /Control plane prod-cp \(2\/3 ready\)/,
    });
    expect(
      within(cp).getByRole('link', { name: 'payments/rack-a-01' }),
    ).toHaveAttribute('href', expect.stringMatching(/\/hosts\/host-1$/));
    const workers = screen.getByRole('region', {
      name: 'MachineDeployment prod-workers (1/2 ready)',
    });
    expect(within(workers).getByText('prod-workers-x')).toBeInTheDocument();
    expect(within(workers).getByText('none yet')).toBeInTheDocument();
    expect(
      within(workers).getByText(
        'InfrastructureReady: no Available host matches',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Machine prod-workers-x: InfrastructureReady False — WaitingForHost — no Available host matches',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('group:default/payments')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Hosts of this cluster' }),
    ).toHaveAttribute(
      'href',
      expect.stringMatching(/\/hosts\?cluster=payments%2Fprod$/),
    );
  });

  it('shows a refusal without beskar7.cluster.read', async () => {
    server.use(
      http.get('*/api/beskar7/clusters', () =>
        makeApiError(
          403,
          'NotAllowedError',
          'Not allowed: beskar7.cluster.read',
        ),
      ),
    );
    await render('/clusters');
    expect(
      await screen.findByText(/beskar7\.cluster\.read/),
    ).toBeInTheDocument();
  });

  it('links to the cluster template for those allowed', async () => {
    server.use(
      http.get('*/api/beskar7/clusters', () =>
        HttpResponse.json({ items: [summary], kubernetesEnabled: true }),
      ),
    );
    await render('/clusters');
    expect(
      await screen.findByRole('link', { name: 'Request cluster' }),
    ).toHaveAttribute(
      'href',
      '/create/templates/default/bare-metal-kubernetes-cluster',
    );
  });

  it('scales and deletes a cluster for those allowed', async () => {
    const scaled: unknown[] = [];
    let deleted = false;
    server.use(
      http.get('*/api/beskar7/clusters/payments/prod', () =>
        HttpResponse.json(details),
      ),
      http.post(
        '*/api/beskar7/clusters/payments/prod/scale',
        async ({ request }) => {
          scaled.push(await request.json());
          return HttpResponse.json({
            machineDeployment: 'prod-workers',
            previousReplicas: 2,
            replicas: 3,
          });
        },
      ),
      http.delete('*/api/beskar7/clusters/payments/prod', () => {
        deleted = true;
        return new HttpResponse(null, { status: 202 });
      }),
    );
    await render('/clusters/payments/prod');
    const workers = await screen.findByRole('region', {
      name: 'MachineDeployment prod-workers (1/2 ready)',
    });
    await userEvent.click(
      within(workers).getByRole('button', { name: 'Scale' }),
    );
    const replicas = await screen.findByRole('textbox', {
      name: 'Worker machines',
    });
    await userEvent.clear(replicas);
    await userEvent.type(replicas, '3');
    const dialog = screen.getByRole('form', { name: 'scale prod-workers' });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Scale' }),
    );
    await waitFor(() =>
      expect(scaled).toEqual([
        { machineDeployment: 'prod-workers', replicas: 3 },
      ]),
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Delete cluster' }),
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Confirm delete cluster' }),
    );
    await waitFor(() => expect(deleted).toBe(true));
  });

  it('hides the template link without the permission', async () => {
    server.use(
      http.get('*/api/beskar7/clusters', () =>
        HttpResponse.json({ items: [summary], kubernetesEnabled: true }),
      ),
    );
    await render('/clusters', AuthorizeResult.DENY);
    await screen.findByText('payments/prod');
    expect(
      screen.queryByRole('link', { name: 'Request cluster' }),
    ).not.toBeInTheDocument();
  });

  it('hides the scale and delete buttons without the permissions', async () => {
    server.use(
      http.get('*/api/beskar7/clusters/payments/prod', () =>
        HttpResponse.json(details),
      ),
    );
    await render('/clusters/payments/prod', AuthorizeResult.DENY);
    await screen.findByRole('region', {
      name: 'MachineDeployment prod-workers (1/2 ready)',
    });
    expect(
      screen.queryByRole('button', { name: 'Scale' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Delete cluster' }),
    ).not.toBeInTheDocument();
  });
});
