import { mockServices } from '@backstage/backend-test-utils';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import {
  createKubeTestEnvironment,
  FreezingProxy,
  KubeTestEnvironment,
  REAL_CLUSTER_ENV,
  REAL_CLUSTER_SKIPPED,
} from '@beskar7/backend-testing/kubernetes';
import { ResourceInformer } from './ResourceInformer';
import { GROUP, KubeObject, PHYSICAL_HOST, VERSION } from './types';

jest.setTimeout(60_000);

const realCluster = process.env[REAL_CLUSTER_ENV] ? describe : describe.skip;
if (!process.env[REAL_CLUSTER_ENV]) {
  it.skip(`ResourceInformer liveness ${REAL_CLUSTER_SKIPPED}`, () => {});
}

realCluster(
  'ResourceInformer against a frozen API server (real cluster)',
  () => {
    let env: KubeTestEnvironment;
    let proxy: FreezingProxy;
    let proxyPort: number;
    let informer: ResourceInformer<KubeObject> | undefined;

    beforeAll(async () => {
      env = await createKubeTestEnvironment('real cluster');
      const server = new URL(env.kubeConfig.getCurrentCluster()!.server);
      proxy = new FreezingProxy({
        host: server.hostname,
        port: Number(server.port),
      });
      proxyPort = await proxy.start();
    });
    afterAll(async () => {
      await informer?.stop();
      await proxy?.stop();
      await env?.stop();
    });

    /** The suite's kubeconfig, with the API server reached through the proxy. */
    function throughProxy(): KubeConfig {
      const kc = new KubeConfig();
      kc.loadFromString(env.kubeConfig.exportConfig());
      const cluster = kc.getCurrentCluster()!;
      kc.clusters = kc.clusters.map(c =>
        c.name === cluster.name
          ? { ...c, server: `https://127.0.0.1:${proxyPort}` }
          : c,
      );
      return kc;
    }

    const createHost = (name: string) =>
      env.kubeConfig
        .makeApiClient(CustomObjectsApi)
        .createNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          plural: PHYSICAL_HOST.plural,
          namespace: env.namespace,
          body: {
            apiVersion: `${GROUP}/${VERSION}`,
            kind: PHYSICAL_HOST.kind,
            metadata: { name },
            spec: {
              redfishConnection: {
                address: `https://${name}.bmc.example`,
                credentialsSecretRef: 'bmc',
              },
            },
          },
        });

    it('notices an API server that stops answering, says so in its health, and catches up once it answers again', async () => {
      const seen = new Set<string>();
      informer = new ResourceInformer<KubeObject>({
        kubeConfig: throughProxy(),
        resource: PHYSICAL_HOST,
        namespace: env.namespace,
        logger: mockServices.logger.mock(),
        handlers: {
          upsert: async obj => void seen.add(obj.metadata.name),
          remove: async () => {},
        },
        backoff: { initialMs: 100, maxMs: 500 },
        requestTimeoutMs: 2_000,
      });
      await createHost('before-freeze');
      informer.start();
      await informer.whenSynced();
      expect(seen.has('before-freeze')).toBe(true);
      expect(informer.health()).toMatchObject({ connected: true });

      proxy.freeze();
      const frozen = await eventually(
        () => informer!.health(),
        h => !h.connected,
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      expect(frozen.lastError).toMatch(/did not answer/);

      // A change made while this replica cannot hear of it.
      await createHost('during-freeze');
      proxy.thaw();
      await eventually(() => seen.has('during-freeze'), Boolean, {
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      await eventually(
        () => informer!.health(),
        h => h.connected && h.consecutiveFailures === 0,
        { timeoutMs: 30_000, intervalMs: 100 },
      );
    });
  },
);
