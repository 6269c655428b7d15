import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { Knex } from 'knex';
import { createClaimCoordinator } from '../claims';
import { resolveLeaderElectionTiming } from '../claims/leaderElection';
import { ConfigCredentialResolver } from '../credentials/ConfigCredentialResolver';
import { HostStore } from '../database/HostStore';
import { applyDatabaseMigrations } from '../database/migrations';
import { MachineStore } from '../database/MachineStore';
import { InventoryService } from '../inventory/InventoryService';
import { MachineService } from '../machines/MachineService';
import { createBeskar7Metrics } from '../metrics';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import {
  createKubeTestEnvironment,
  KubeTestEnvironment,
  kubeTargets,
} from '@beskar7/backend-testing/kubernetes';
import {
  createKubernetesIntegration,
  KubernetesIntegration,
} from './KubernetesIntegration';
import { BESKAR7_MACHINE, GROUP, PHYSICAL_HOST, VERSION } from './types';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/*
 * The Kubernetes side wired to the real backend services and database, as
 * plugin.ts wires it: PhysicalHosts and Beskar7Machines in, claims out.
 */
describe.each(kubeTargets())('Kubernetes integration (%s)', target => {
  let env: KubeTestEnvironment;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;
  beforeAll(async () => {
    env = await createKubeTestEnvironment(target);
    custom = env.kubeConfig.makeApiClient(CustomObjectsApi);
    core = env.kubeConfig.makeApiClient(CoreV1Api);
  });
  afterAll(() => env?.stop());

  const integrations: KubernetesIntegration[] = [];
  afterEach(async () => {
    await Promise.all(integrations.splice(0).map(i => i.stop()));
  });

  const ref = (plural: string) => ({
    group: GROUP,
    version: VERSION,
    plural,
    namespace: env.namespace,
  });
  const get = (plural: string, name: string): Promise<any> =>
    custom.getNamespacedCustomObject({ ...ref(plural), name });

  async function backend(knex: Knex) {
    await applyDatabaseMigrations(knex);
    const metrics = createBeskar7Metrics();
    const claims = createClaimCoordinator({
      mode: 'optimistic',
      knex,
      metrics,
    });
    const hosts = new HostStore(knex);
    const machines = new MachineStore(knex);
    const config = new ConfigReader({
      beskar7: {
        kubernetes: {
          enabled: true,
          namespace: env.namespace,
          resyncInterval: '1s',
          leaderElection: { enabled: true, namespace: env.namespace },
        },
        credentials: { 'from-config': { username: 'u', password: 'p' } },
      },
    });
    const integration = createKubernetesIntegration({
      config,
      logger: mockServices.logger.mock(),
      kubeConfig: env.kubeConfig,
    })!;
    integrations.push(integration);
    integration.connect({
      replicaId: 'replica-1',
      metrics,
      timing: resolveLeaderElectionTiming({
        leaseDurationMs: 1_500,
        renewDeadlineMs: 1_000,
        retryPeriodMs: 200,
      }),
      hosts,
      machines,
      inventory: new InventoryService({ knex, claims }),
      machineService: new MachineService(machines, claims),
      isActive: () => true,
      publishIntervalMs: 100,
    });
    const credentials = integration.credentials(
      new ConfigCredentialResolver(config),
    );
    return { integration, claims, hosts, machines, metrics, credentials };
  }

  it.each(databases.eachSupportedId())(
    'on %p: mirrors a PhysicalHost, claims it for a Beskar7Machine, and writes the claim back',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const b = await backend(knex);
      // Each database's run has objects of its own in the shared namespace.
      const suffix = databaseId.toLowerCase().replace('_', '-');
      const secret = `bmc-${suffix}`;
      // The host stays Terminating (held, no reconciler to finish the release).
      const hostName = `node-${suffix}`;
      await core.createNamespacedSecret({
        namespace: env.namespace,
        body: {
          metadata: { name: secret },
          stringData: { username: 'admin', password: 's3cret' },
        },
      });
      await custom.createNamespacedCustomObject({
        ...ref(PHYSICAL_HOST.plural),
        body: {
          apiVersion: `${GROUP}/${VERSION}`,
          kind: PHYSICAL_HOST.kind,
          metadata: { name: hostName, labels: { rack: 'a' } },
          spec: {
            redfishConnection: {
              address: 'https://192.0.2.10',
              credentialsSecretRef: secret,
            },
            pool: 'rack-a',
          },
        },
      });
      b.integration.start();

      // Only the Lease holder acts, and the claim engine may stand once it holds it.
      await eventually(
        () => b.integration.health()?.leaderElection?.isLeader,
        Boolean,
      );
      expect(b.integration.leaderCandidate?.()).toBe(true);
      await b.integration.whenSynced();

      const host = await eventually(
        () => b.hosts.getByName(env.namespace, hostName),
        h => h !== undefined,
      );
      expect(host).toMatchObject({ pool: 'rack-a', labels: { rack: 'a' } });
      // The Secret is read at use time; its value is in no row.
      await expect(
        b.credentials.resolve(host!.bmc.credentialsRef),
      ).resolves.toEqual({ username: 'admin', password: 's3cret' });
      await expect(b.credentials.resolve('from-config')).resolves.toEqual({
        username: 'u',
        password: 'p',
      });
      expect(JSON.stringify(await knex('beskar7_hosts'))).not.toContain(
        's3cret',
      );

      // Inspection done: the host becomes Available, and its status says so.
      await b.hosts.updateState(host!.id, host!.version, {
        to: 'Available',
        reason: 'Inspected',
      });
      await eventually(
        () => get(PHYSICAL_HOST.plural, hostName),
        h => h.status?.state === 'Available',
      );

      await custom.createNamespacedCustomObject({
        ...ref(BESKAR7_MACHINE.plural),
        body: {
          apiVersion: `${GROUP}/${VERSION}`,
          kind: BESKAR7_MACHINE.kind,
          metadata: { name: 'worker-0' },
          spec: {
            imageURL: 'https://images.example/flatcar.iso',
            osFamily: 'flatcar',
            provisioningMode: 'PXE',
            hostSelector: { pool: 'rack-a', matchLabels: { rack: 'a' } },
          },
        },
      });
      const machine = await eventually(
        () => b.machines.getByName(env.namespace, 'worker-0'),
        m => m !== undefined,
      );
      expect(machine!.requirements).toMatchObject({
        pool: 'rack-a',
        selector: { matchLabels: { rack: 'a' } },
      });

      // What the machine reconciler does next.
      const claim = await b.claims.claim(machine!.id);
      expect(claim).toMatchObject({ outcome: 'claimed', hostId: host!.id });

      const machineObject = await eventually(
        () => get(BESKAR7_MACHINE.plural, 'worker-0'),
        m => m.status?.phase === 'Claimed',
      );
      expect(machineObject.spec.providerID).toBe(
        `b7://${env.namespace}/worker-0`,
      );
      const hostObject = await eventually(
        () => get(PHYSICAL_HOST.plural, hostName),
        h => h.spec.consumerRef !== undefined,
      );
      expect(hostObject.spec.consumerRef).toMatchObject({
        kind: 'Beskar7Machine',
        name: 'worker-0',
      });
      const counted = await b.metrics.registry.getSingleMetricAsString(
        'beskar7_claim_coordinator_leader_election_total',
      );
      expect(counted).toMatch(/event_type="acquired"} 1/);

      // A claim that lost races shows up where `kubectl describe` looks.
      await b.integration.claimObserved({
        machineId: machine!.id,
        outcome: 'retry',
        reason: 'attempts_exhausted',
        attempts: 5,
        conflicts: 5,
      });
      const events = await core.listNamespacedEvent({
        namespace: env.namespace,
      });
      expect(
        events.items
          .filter(e => e.involvedObject.name === 'worker-0')
          .map(e => [e.type, e.reason, e.message]),
      ).toContainEqual([
        'Warning',
        'ClaimConflict',
        '5 of 5 claim attempts lost to other claimers; no host won this round, retrying',
      ]);

      // Deleting the Beskar7Machine releases its host.
      await custom.deleteNamespacedCustomObject({
        ...ref(BESKAR7_MACHINE.plural),
        name: 'worker-0',
      });
      await eventually(
        () => b.machines.getByName(env.namespace, 'worker-0'),
        m => m?.phase === 'Released' || m?.phase === 'Releasing',
      );

      await b.integration.stop();
      await core.deleteNamespacedSecret({
        namespace: env.namespace,
        name: secret,
      });
      await custom.deleteNamespacedCustomObject({
        ...ref(PHYSICAL_HOST.plural),
        name: hostName,
      });
    },
  );

  it('refuses bad settings at start-up, naming the key', () => {
    expect(() =>
      createKubernetesIntegration({
        config: new ConfigReader({
          beskar7: { kubernetes: { enabled: true, resyncInterval: 'often' } },
        }),
        logger: mockServices.logger.mock(),
        kubeConfig: env.kubeConfig,
      }),
    ).toThrow(/beskar7\.kubernetes\.resyncInterval/);
    expect(
      createKubernetesIntegration({
        config: new ConfigReader({}),
        logger: mockServices.logger.mock(),
      }),
    ).toBeUndefined();
  });
});
