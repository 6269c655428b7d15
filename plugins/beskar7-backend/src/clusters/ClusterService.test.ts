import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { Knex } from 'knex';
import { HostStore } from '../database/HostStore';
import { MACHINES_TABLE } from '../database/machineRows';
import { applyDatabaseMigrations } from '../database/migrations';
import { MachineStore } from '../database/MachineStore';
import { InventoryService } from '../inventory/InventoryService';
import {
  CLUSTER_API_SKIPPED,
  CLUSTER_API_VERSION,
  clusterApiAvailable,
  ClusterApiTestEnvironment,
  createClusterApiTestEnvironment,
} from '@beskar7/backend-testing/kubernetes';
import { API_VERSION } from '../kubernetes/types';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import { ClusterObjectReader } from './ClusterObjectReader';
import { ClusterService } from './ClusterService';

/*
 * The cluster view against the real API server with Cluster API's own
 * controllers and webhooks: what it answers is what the objects say once
 * Cluster API has defaulted them and made the Machines. No Beskar7 backend
 * provisions here, so which host a Beskar7Machine holds is written into the
 * inventory by the test.
 */
const describeCapi = clusterApiAvailable() ? describe : describe.skip;
const databases = createTestDatabases();

describeCapi('ClusterService on Cluster API', () => {
  let env: ClusterApiTestEnvironment;
  const cluster = 'payments';
  const bootstrap = {
    apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta1',
    kind: 'KubeadmConfigTemplate',
    name: `${cluster}-workers`,
  };

  beforeAll(async () => {
    env = await createClusterApiTestEnvironment();
    const machineSpec = {
      imageURL: 'https://images.example/ubuntu.iso',
      configURL: 'https://config.example/node.yaml',
      osFamily: 'flatcar',
    };
    await env.apply({
      apiVersion: API_VERSION,
      kind: 'Beskar7Cluster',
      metadata: { name: cluster },
      spec: { controlPlaneEndpoint: { host: '10.0.0.10', port: 6443 } },
    });
    for (const name of [`${cluster}-cp`, `${cluster}-workers`]) {
      await env.apply({
        apiVersion: API_VERSION,
        kind: 'Beskar7MachineTemplate',
        metadata: { name },
        spec: { template: { spec: machineSpec } },
      });
    }
    await env.apply({
      apiVersion: bootstrap.apiVersion,
      kind: bootstrap.kind,
      metadata: { name: bootstrap.name },
      spec: { template: { spec: {} } },
    });
    await env.apply({
      apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1',
      kind: 'KubeadmControlPlane',
      metadata: { name: `${cluster}-cp` },
      spec: {
        replicas: 3,
        version: 'v1.32.0',
        machineTemplate: {
          infrastructureRef: {
            apiVersion: API_VERSION,
            kind: 'Beskar7MachineTemplate',
            name: `${cluster}-cp`,
          },
        },
        kubeadmConfigSpec: {},
      },
    });
    await env.apply({
      apiVersion: CLUSTER_API_VERSION,
      kind: 'Cluster',
      metadata: {
        name: cluster,
        annotations: { 'beskar7.io/owner': 'group:default/payments' },
      },
      spec: {
        controlPlaneEndpoint: { host: '10.0.0.10', port: 6443 },
        controlPlaneRef: {
          apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1',
          kind: 'KubeadmControlPlane',
          name: `${cluster}-cp`,
        },
        infrastructureRef: {
          apiVersion: API_VERSION,
          kind: 'Beskar7Cluster',
          name: cluster,
        },
      },
    });
    // Not on Beskar7: no infrastructure at all.
    await env.apply({
      apiVersion: CLUSTER_API_VERSION,
      kind: 'Cluster',
      metadata: { name: 'elsewhere' },
      spec: {},
    });
    await env.apply({
      apiVersion: CLUSTER_API_VERSION,
      kind: 'MachineDeployment',
      metadata: {
        name: `${cluster}-workers`,
        // No kubelet here, so the control plane never becomes stable: the
        // workers would wait for it forever.
        annotations: {
          'machineset.cluster.x-k8s.io/skip-preflight-checks': 'All',
        },
      },
      spec: {
        clusterName: cluster,
        replicas: 2,
        template: {
          spec: {
            clusterName: cluster,
            version: 'v1.32.0',
            bootstrap: { configRef: bootstrap },
            infrastructureRef: {
              apiVersion: API_VERSION,
              kind: 'Beskar7MachineTemplate',
              name: `${cluster}-workers`,
            },
          },
        },
      },
    });
    await eventually(
      () => env.machines(env.namespace, cluster),
      machines =>
        machines.length === 2 &&
        // Settled in Cluster API's first phase, so that the tests compare
        // the service's view with a phase that no longer changes under them.
        machines.every(m => m.spec.infrastructureRef?.name && m.status?.phase),
      { what: "the MachineDeployment's two Machines", timeoutMs: 60_000 },
    );
  }, 120_000);
  afterAll(() => env?.stop());

  const read = (path: string) =>
    env.custom.getNamespacedCustomObject({
      group: path.split('/')[0],
      version: 'v1beta1',
      namespace: env.namespace,
      plural: path.split('/')[1],
      name: path.split('/')[2],
    }) as Promise<any>;

  describe.each(databases.eachSupportedId())('with %p', databaseId => {
    let knex: Knex;
    let service: ClusterService;
    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      service = new ClusterService({
        objects: new ClusterObjectReader(env.kubeConfig, env.namespace),
        hosts: new MachineStore(knex),
        cacheMs: 0,
      });
    });

    it('lists the clusters on Beskar7 with what their objects say', async () => {
      const clusters = await service.list();
      expect(clusters.map(c => c.name)).toEqual([cluster]);
      const [summary] = clusters;
      const capi = await read(`cluster.x-k8s.io/clusters/${cluster}`);
      const kcp = await read(
        `controlplane.cluster.x-k8s.io/kubeadmcontrolplanes/${cluster}-cp`,
      );
      const md = await read(
        `cluster.x-k8s.io/machinedeployments/${cluster}-workers`,
      );
      expect(summary).toMatchObject({
        namespace: env.namespace,
        name: cluster,
        phase: capi.status?.phase,
        controlPlaneEndpoint: '10.0.0.10:6443',
        kubernetesVersion: 'v1.32.0',
        controlPlane: {
          kind: 'KubeadmControlPlane',
          name: `${cluster}-cp`,
          replicas: { desired: 3, ready: kcp.status?.readyReplicas ?? 0 },
        },
        machineDeployments: [
          {
            name: `${cluster}-workers`,
            version: 'v1.32.0',
            replicas: { desired: 2, ready: md.status?.readyReplicas ?? 0 },
          },
        ],
        owner: 'group:default/payments',
        paused: false,
      });
      // Every condition that is not True, of the Cluster and its parts.
      const notTrue = (kind: string, name: string, object: any) =>
        (object.status?.conditions ?? [])
          .filter((c: any) => c.status !== 'True')
          .map((c: any) => ({ kind, name, type: c.type, status: c.status }));
      const expected = [
        ...notTrue('Cluster', cluster, capi),
        ...notTrue('KubeadmControlPlane', `${cluster}-cp`, kcp),
        ...notTrue('MachineDeployment', `${cluster}-workers`, md),
      ];
      expect(expected.length).toBeGreaterThan(0); // nothing is ready here
      expect(
        summary.problems.map(({ kind, name, type, status }) => ({
          kind,
          name,
          type,
          status,
        })),
      ).toEqual(expected);
    });

    it('describes the tree down to the hosts, which say what they serve', async () => {
      const machines = await env.machines(env.namespace, cluster);
      const [first] = machines.sort((a, b) =>
        a.metadata.name.localeCompare(b.metadata.name),
      );
      const b7m = first.spec.infrastructureRef.name;
      // The inventory's side: the Beskar7Machine holds a host.
      const host = await new HostStore(knex).create({
        name: 'rack1-node3',
        namespace: env.namespace,
        pool: 'default',
        bmc: { address: 'https://10.1.0.3', credentialsRef: 'bmc' },
        state: 'Provisioned',
      });
      const machine = await new MachineStore(knex).create({
        name: b7m,
        namespace: env.namespace,
        requirements: {},
        imageUrl: 'https://images.example/ubuntu.iso',
        osFamily: 'flatcar',
        provisioningMode: 'RemoteConfig',
        bootMode: 'UEFI',
      });
      await knex(MACHINES_TABLE)
        .where({ id: machine.id })
        .update({ host_id: host.id });
      const other = await new HostStore(knex).create({
        name: 'rack1-node4',
        namespace: env.namespace,
        pool: 'default',
        bmc: { address: 'https://10.1.0.4', credentialsRef: 'bmc' },
        state: 'Available',
      });

      const details = await service.get(env.namespace, cluster);
      expect(details.controlPlaneMachines).toEqual([]); // KCP waits for infrastructure
      expect(details.otherMachines).toEqual([]);
      expect(details.workers).toHaveLength(1);
      expect(details.workers[0].machineDeployment).toBe(`${cluster}-workers`);
      expect(details.workers[0].machines.map(m => m.name)).toEqual(
        machines.map(m => m.metadata.name),
      );
      const held = details.workers[0].machines[0];
      expect(held).toMatchObject({
        name: first.metadata.name,
        role: 'worker',
        phase: first.status?.phase,
        version: 'v1.32.0',
        beskar7Machine: { name: b7m },
        host: {
          id: host.id,
          name: 'rack1-node3',
          namespace: env.namespace,
          state: 'Provisioned',
        },
      });
      expect(details.workers[0].machines[1].host).toBeUndefined();

      const inventory = new InventoryService({
        knex,
        claims: { release: async () => {} } as any,
        clusters: service,
      });
      const all = await inventory.listHosts({});
      expect(all.items.map(h => [h.name, h.cluster])).toEqual([
        [
          'rack1-node3',
          {
            namespace: env.namespace,
            name: cluster,
            role: 'worker',
            machine: first.metadata.name,
          },
        ],
        ['rack1-node4', undefined],
      ]);
      const ofCluster = await inventory.listHosts({
        cluster: `${env.namespace}/${cluster}`,
      });
      expect(ofCluster).toMatchObject({ totalCount: 1 });
      expect(ofCluster.items.map(h => h.id)).toEqual([host.id]);
      expect(
        await inventory.listHosts({ cluster: `${env.namespace}/nope` }),
      ).toMatchObject({ items: [], totalCount: 0 });
      expect((await inventory.getHost(host.id)).cluster?.role).toBe('worker');
      expect((await inventory.getHost(other.id)).cluster).toBeUndefined();
    });

    it('answers 404 for a cluster that is not on Beskar7', async () => {
      await expect(service.get(env.namespace, 'elsewhere')).rejects.toThrow(
        /No Cluster API cluster .*elsewhere on Beskar7/,
      );
    });
  });
});

if (!clusterApiAvailable()) {
  it.skip(`cluster view ${CLUSTER_API_SKIPPED}`, () => {});
}
