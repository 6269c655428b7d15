import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { Beskar7Service } from '@beskar7/backstage-plugin-beskar7-node';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { startCatalogModule } from './__testUtils__/catalogModule';
import { Beskar7ClusterEntityProvider } from './Beskar7ClusterEntityProvider';

// What scripts/kube-cluster.sh and scripts/cluster-api.sh start (scripts/test.sh sets them).
const KUBECONFIG = process.env.BESKAR7_TEST_KUBECONFIG;
const CLUSTER_API = process.env.BESKAR7_TEST_CLUSTER_API;
const available = Boolean(KUBECONFIG && CLUSTER_API);
const describeCapi = available ? describe : describe.skip;
if (!available) {
  it.skip(`the clusters provider against Cluster API's controllers: skipped, ${
    process.env.BESKAR7_TEST_CLUSTER_API_MISSING ??
    process.env.BESKAR7_TEST_KUBE_MISSING ??
    'set BESKAR7_TEST_KUBECONFIG and BESKAR7_TEST_CLUSTER_API (scripts/kube-cluster.sh, scripts/cluster-api.sh) to run'
  }`, () => {});
}

jest.setTimeout(240_000);

const service = { credentials: mockCredentials.service() };

/*
 * The beskar7-clusters provider on what the real API server holds: a
 * cluster the beskar7 plugin created there, whose control-plane Machine
 * Cluster API's controllers made and the plugin provisioned on a host of
 * the simulated fleet. It is published owned by its annotated owner and
 * depending on that host; deleted, it is taken back.
 */
describeCapi('the beskar7-clusters provider on a real API server', () => {
  let namespace: string;
  let core: CoreV1Api;
  let beskar7: Beskar7Service;
  let providers: EntityProvider[];

  beforeAll(async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(KUBECONFIG!);
    core = kubeConfig.makeApiClient(CoreV1Api);
    namespace = `beskar7-catalog-${randomBytes(4).toString('hex')}`;
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    ({ beskar7, providers } = await startCatalogModule({
      hosts: 2,
      catalog: { owner: 'group:default/metal' },
      beskar7: {
        kubernetes: {
          enabled: true,
          kubeconfig: KUBECONFIG,
          namespace,
          // The simulated fleet's hosts are in namespace `simulator`.
          crossNamespaceClaims: true,
          resyncInterval: '2s',
        },
      },
    }));
  });

  afterAll(async () => {
    await core?.deleteNamespace({ name: namespace }).catch(() => {});
  });

  it('publishes the cluster owned by its annotated owner, depending on its host, and takes it back once deleted', async () => {
    await eventually(
      async () => (await beskar7.listHosts({ limit: 10 }, service)).items,
      hosts => hosts.length === 2 && hosts.every(h => h.state === 'Available'),
      { what: 'both hosts Available', timeoutMs: 60_000 },
    );
    await beskar7.createCluster(
      {
        namespace,
        name: 'ledger',
        kubernetesVersion: 'v1.32.0',
        controlPlaneEndpoint: { host: '10.0.10.100', port: 6443 },
        controlPlaneReplicas: 1,
        workerReplicas: 0,
        hostSelector: {},
        imageUrl: 'https://images.example/ubuntu-24.04-k8s-1.32.iso',
        osFamily: 'cloud-init',
        owner: 'group:default/payments',
      },
      service,
    );
    const details = await eventually(
      // 404 until the backend's view (read every few seconds) shows it.
      () =>
        beskar7.getCluster(namespace, 'ledger', service).catch(() => undefined),
      c =>
        c !== undefined &&
        c.controlPlaneMachines.length === 1 &&
        c.controlPlaneMachines[0].phase === 'Provisioned' &&
        c.controlPlaneMachines[0].host !== undefined,
      {
        what: 'the control-plane Machine Provisioned on a host',
        timeoutMs: 120_000,
        intervalMs: 500,
      },
    );
    const host = details!.controlPlaneMachines[0].host!;

    const provider = providers.find(
      (p): p is Beskar7ClusterEntityProvider =>
        p instanceof Beskar7ClusterEntityProvider,
    )!;
    const mutations: EntityProviderMutation[] = [];
    await provider.connect({
      async applyMutation(mutation) {
        mutations.push(mutation);
      },
      async refresh() {},
    });
    const latest = (): Entity[] => {
      const last = mutations.at(-1);
      return last?.type === 'full' ? last.entities.map(e => e.entity) : [];
    };
    await provider.refresh();

    expect(latest()).toEqual([
      expect.objectContaining({
        kind: 'Resource',
        metadata: expect.objectContaining({ name: 'ledger', namespace }),
        spec: expect.objectContaining({
          type: 'kubernetes-cluster',
          owner: 'group:default/payments',
          dependsOn: [`resource:${host.namespace}/${host.name}`],
        }),
      }),
    ]);

    await beskar7.deleteCluster(namespace, 'ledger', service);
    await eventually(
      async () => {
        await provider.refresh();
        return latest();
      },
      entities => entities.length === 0,
      {
        what: 'the cluster taken out of the catalog',
        timeoutMs: 120_000,
        intervalMs: 1000,
      },
    );
  });
});
