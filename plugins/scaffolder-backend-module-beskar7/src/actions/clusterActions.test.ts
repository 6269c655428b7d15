import { mockCredentials } from '@backstage/backend-test-utils';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import { Beskar7Service } from '@beskar7/backstage-plugin-beskar7-node';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { actionDependencies, runAction } from '../__testUtils__/actions';
import { READ_ONLY_USER, startBeskar7 } from '../__testUtils__/startBeskar7';
import { createClusterCreateAction } from './createCluster';
import { createClusterDeleteAction } from './deleteCluster';
import { createClusterScaleAction } from './scaleCluster';

// What scripts/kube-cluster.sh and scripts/cluster-api.sh start (scripts/test.sh sets them).
const KUBECONFIG = process.env.BESKAR7_TEST_KUBECONFIG;
const CLUSTER_API = process.env.BESKAR7_TEST_CLUSTER_API;
const available = Boolean(KUBECONFIG && CLUSTER_API);
const describeCapi = available ? describe : describe.skip;
if (!available) {
  it.skip(`cluster actions against Cluster API's controllers: skipped, ${
    process.env.BESKAR7_TEST_CLUSTER_API_MISSING ??
    process.env.BESKAR7_TEST_KUBE_MISSING ??
    'set BESKAR7_TEST_KUBECONFIG and BESKAR7_TEST_CLUSTER_API (scripts/kube-cluster.sh, scripts/cluster-api.sh) to run'
  }`, () => {});
}

jest.setTimeout(300_000);

const HOSTS = 4;
const WAIT = { timeoutMs: 120_000, intervalMs: 250 };
const service = { credentials: mockCredentials.service() };
const capi = { group: 'cluster.x-k8s.io', version: 'v1beta1' };

/*
 * The cluster actions against the real API server with Cluster API's own
 * core, kubeadm bootstrap and kubeadm control-plane controllers, and the
 * real beskar7 plugin with a simulated fleet. There is no kubelet, so no
 * control plane is ever initialised: kubeadm never writes the workers' join
 * data and the MachineSet's preflight checks wait for a stable control plane.
 * The test stands in for both, as an initialised control plane would
 * (skip-preflight-checks, and a bootstrap data Secret for each worker).
 */
describeCapi('beskar7 cluster actions on Cluster API', () => {
  let namespace: string;
  let kubeConfig: KubeConfig;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;
  let beskar7: Beskar7Service;
  let server: Parameters<typeof request>[0];
  let createAction: TemplateAction<any, any>;
  let scaleAction: TemplateAction<any, any>;
  let deleteAction: TemplateAction<any, any>;

  const CLUSTER = {
    name: 'payments',
    kubernetesVersion: 'v1.32.0',
    controlPlaneEndpoint: '10.0.10.100',
    controlPlaneReplicas: 1,
    workerReplicas: 2,
    pool: 'default',
    imageUrl: 'https://images.example/ubuntu-24.04-k8s-1.32.iso',
    owner: 'group:default/payments',
    // The simulated fleet's hosts are in `default`; the clusters in a
    // namespace of this run's own (beskar7.kubernetes.crossNamespaceClaims).
    anyNamespace: true,
  };

  const listHosts = async (): Promise<Host[]> =>
    (await beskar7.listHosts({ limit: 100 }, service)).items;
  const machines = async (cluster: string): Promise<any[]> =>
    (
      (await custom.listNamespacedCustomObject({
        ...capi,
        plural: 'machines',
        namespace,
        labelSelector: `cluster.x-k8s.io/cluster-name=${cluster}`,
      })) as any
    ).items;
  const exists = async (plural: string, name: string) =>
    custom.getNamespacedCustomObject({ ...capi, plural, namespace, name }).then(
      () => true,
      () => false,
    );

  /** Stands in for an initialised control plane: each worker gets join data. */
  async function workersBootstrapped(cluster: string) {
    for (const machine of await machines(cluster)) {
      const isWorker = Boolean(
        machine.metadata.labels?.['cluster.x-k8s.io/deployment-name'],
      );
      if (isWorker && !machine.spec.bootstrap.dataSecretName) {
        await custom.patchNamespacedCustomObject({
          ...capi,
          plural: 'machines',
          namespace,
          name: machine.metadata.name,
          body: [
            {
              op: 'add',
              path: '/spec/bootstrap/dataSecretName',
              value: 'worker-join',
            },
          ],
        });
      }
    }
  }

  /** The cluster's Machines once `count` are Provisioned and no other is left. */
  const provisioned = (cluster: string, count: number) =>
    eventually(
      async () => {
        await workersBootstrapped(cluster);
        return machines(cluster);
      },
      ms =>
        ms.length === count && ms.every(m => m.status?.phase === 'Provisioned'),
      { what: `${count} Machines of ${cluster} Provisioned`, ...WAIT },
    );

  beforeAll(async () => {
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(KUBECONFIG!);
    custom = kubeConfig.makeApiClient(CustomObjectsApi);
    core = kubeConfig.makeApiClient(CoreV1Api);
    namespace = `beskar7-actions-${randomBytes(4).toString('hex')}`;
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: 'worker-join' },
        type: 'cluster.x-k8s.io/secret',
        stringData: { value: '#cloud-config\n', format: 'cloud-config' },
      },
    });

    const dependencies = actionDependencies();
    const backend = await startBeskar7({
      hosts: HOSTS,
      beskar7: {
        kubernetes: {
          enabled: true,
          kubeconfig: KUBECONFIG,
          namespace,
          crossNamespaceClaims: true,
          resyncInterval: '2s',
        },
      },
      features: [dependencies.feature],
    });
    server = backend.server;
    beskar7 = dependencies.deps().beskar7;
    const options = { ...dependencies.deps(), pollIntervalMs: 200 };
    createAction = createClusterCreateAction(options);
    scaleAction = createClusterScaleAction(options);
    deleteAction = createClusterDeleteAction(options);
    await eventually(
      listHosts,
      hosts =>
        hosts.length === HOSTS && hosts.every(h => h.state === 'Available'),
      { what: 'every host Available', ...WAIT },
    );
  });

  afterAll(async () => {
    await core?.deleteNamespace({ name: namespace }).catch(() => {});
  });

  it('refuses a cluster larger than the free capacity before creating anything, naming the numbers', async () => {
    await expect(
      runAction(createAction, {
        ...CLUSTER,
        name: 'too-big',
        namespace,
        controlPlaneReplicas: 3,
        workerReplicas: 2,
      }),
    ).rejects.toThrow(
      `Not enough capacity for cluster ${namespace}/too-big: 5 machines requested (3 control plane + 2 workers) but only ${HOSTS} Available host(s) match the host selector; nothing was created`,
    );
    for (const [plural, name] of [
      ['clusters', 'too-big'],
      ['machinedeployments', 'too-big-md-0'],
    ]) {
      expect(await exists(plural, name)).toBe(false);
    }
  });

  it('gives a user without beskar7.cluster.create 403 and creates nothing', async () => {
    await expect(
      runAction(
        createAction,
        { ...CLUSTER, namespace },
        { user: READ_ONLY_USER },
      ),
    ).rejects.toThrow(
      `Could not create cluster ${namespace}/payments: Missing permission beskar7.cluster.create (HTTP 403)`,
    );
    const res = await request(server)
      .post('/api/beskar7/clusters')
      .set({ Authorization: mockCredentials.user.header(READ_ONLY_USER) })
      .send({ not: 'even valid' });
    expect(res.status).toBe(403);
    expect(await exists('clusters', 'payments')).toBe(false);
  });

  it('names every bad field of a cluster request', async () => {
    const res = await request(server)
      .post('/api/beskar7/clusters')
      .set({ Authorization: mockCredentials.user.header() })
      .send({
        name: 'Bad_Name',
        namespace,
        kubernetesVersion: '1.32',
        controlPlaneEndpoint: { host: '10.0.10.100' },
        controlPlaneReplicas: 2,
        workerReplicas: 1,
        imageUrl: 'ftp://images.example/x.iso',
        osFamily: 'cloud-init',
      });
    expect(res.status).toBe(400);
    for (const field of [
      'name',
      'kubernetesVersion',
      'controlPlaneReplicas',
      'imageUrl',
    ]) {
      expect(res.body.error.message).toContain(`${field}:`);
    }
  });

  it('writes the objects for a GitOps publish step without applying them', async () => {
    const workspacePath = await mkdtemp(join(tmpdir(), 'beskar7-gitops-'));
    await runAction(
      createAction,
      {
        ...CLUSTER,
        name: 'gitops',
        namespace,
        apply: false,
        manifestsPath: 'clusters/gitops.yaml',
      },
      { workspacePath },
    );
    const written = await readFile(
      join(workspacePath, 'clusters/gitops.yaml'),
      'utf8',
    );
    const kinds = written
      .split(/^---$/m)
      .filter(d => d.trim())
      .map(d => JSON.parse(d).kind);
    expect(kinds).toEqual([
      'Beskar7MachineTemplate',
      'Beskar7MachineTemplate',
      'KubeadmConfigTemplate',
      'Beskar7Cluster',
      'KubeadmControlPlane',
      'MachineDeployment',
      'Cluster',
    ]);
    expect(await exists('clusters', 'gitops')).toBe(false);
  });

  it('creates a 1+2 cluster whose Machines reach Provisioned, scales it with the hosts following, and deletes it', async () => {
    const started = Date.now();
    const outputs = await runAction(createAction, { ...CLUSTER, namespace });
    // eslint-disable-next-line no-console
    console.log(
      `cluster:create -> control-plane Machine Provisioned: ${
        Date.now() - started
      } ms`,
    );
    expect(outputs).toMatchObject({
      clusterUrl: `/beskar7/clusters/${namespace}/payments`,
      requestedMachines: 3,
      eligibleHosts: HOSTS,
    });
    const cluster: any = await custom.getNamespacedCustomObject({
      ...capi,
      plural: 'clusters',
      namespace,
      name: 'payments',
    });
    expect(cluster.metadata.annotations['beskar7.io/owner']).toBe(
      'group:default/payments',
    );
    expect(cluster.metadata.managedFields.map((f: any) => f.manager)).toContain(
      'beskar7-backstage',
    );

    // No kubelet: let the MachineSet go ahead as a stable control plane would.
    await custom.patchNamespacedCustomObject({
      ...capi,
      plural: 'machinedeployments',
      namespace,
      name: 'payments-md-0',
      body: [
        {
          op: 'add',
          path: '/metadata/annotations',
          value: { 'machineset.cluster.x-k8s.io/skip-preflight-checks': 'All' },
        },
      ],
    });
    await provisioned('payments', 3);
    const held = async () =>
      (await listHosts()).filter(h => h.state === 'Provisioned').length;
    expect(await held()).toBe(3);

    // The portal's view of it, once the backend's watch has the Machines.
    const details = await eventually(
      () => beskar7.getCluster(namespace, 'payments', service),
      d => d.workers[0]?.machines.length === 2,
      { what: "the portal's view of both worker Machines", ...WAIT },
    );
    expect(details.controlPlaneMachines).toHaveLength(1);
    expect(details.workers[0].machines).toHaveLength(2);

    // Scaling: the MachineDeployment changes, a fourth host is claimed.
    const scaled = await runAction(scaleAction, {
      name: 'payments',
      namespace,
      replicas: 3,
    });
    expect(scaled).toEqual({
      machineDeployment: 'payments-md-0',
      previousReplicas: 2,
      replicas: 3,
    });
    const md: any = await custom.getNamespacedCustomObject({
      ...capi,
      plural: 'machinedeployments',
      namespace,
      name: 'payments-md-0',
    });
    expect(md.spec.replicas).toBe(3);
    await provisioned('payments', 4);
    expect(await held()).toBe(4);

    await runAction(scaleAction, { name: 'payments', namespace, replicas: 1 });
    await provisioned('payments', 2);
    await eventually(held, n => n === 2, {
      what: 'two hosts released',
      ...WAIT,
    });

    // Scaling and deleting are refused without their permissions.
    await expect(
      runAction(
        scaleAction,
        { name: 'payments', namespace, replicas: 4 },
        { user: READ_ONLY_USER },
      ),
    ).rejects.toThrow('Missing permission beskar7.cluster.create (HTTP 403)');
    await expect(
      runAction(
        deleteAction,
        { name: 'payments', namespace, confirm: 'payments' },
        { user: READ_ONLY_USER },
      ),
    ).rejects.toThrow('Missing permission beskar7.cluster.delete (HTTP 403)');
    await expect(
      runAction(deleteAction, {
        name: 'payments',
        namespace,
        confirm: 'payment',
      }),
    ).rejects.toThrow(
      'confirm: must repeat the cluster name payments; nothing was deleted',
    );
    expect(await exists('clusters', 'payments')).toBe(true);

    await runAction(deleteAction, {
      name: 'payments',
      namespace,
      confirm: 'payments',
    });
    await eventually(
      async () => ({
        gone: !(await exists('clusters', 'payments')),
        hosts: await listHosts(),
      }),
      ({ gone, hosts }) =>
        gone && hosts.every(h => h.state === 'Available' && !h.consumerId),
      { what: 'the cluster gone and every host Available', ...WAIT },
    );
  });
});
