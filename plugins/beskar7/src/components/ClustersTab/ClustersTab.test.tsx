import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ClusterDetails,
  ClusterSummary,
} from '@beskar7/backstage-plugin-beskar7-common';
import { screen, within } from '@testing-library/react';
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

const render = (path: string) =>
  renderWithApis(
    <Routes>
      <Route path="/clusters/*" element={<ClustersTab />} />
    </Routes>,
    { initialRouteEntries: [path], authorize: AuthorizeResult.ALLOW },
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
});
