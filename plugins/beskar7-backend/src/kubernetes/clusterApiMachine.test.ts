import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { Knex } from 'knex';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ClaimCoordinator, createClaimCoordinator } from '../claims';
import { resolveLeaderElectionTiming } from '../claims/leaderElection';
import { HostStore } from '../database/HostStore';
import { applyDatabaseMigrations } from '../database/migrations';
import { MachineStore } from '../database/MachineStore';
import { InventoryService } from '../inventory/InventoryService';
import { MachineService } from '../machines/MachineService';
import { createBeskar7Metrics } from '../metrics';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import {
  createKubeTestEnvironment,
  installCrds,
  KubeTestEnvironment,
  REAL_CLUSTER_ENV,
  REAL_CLUSTER_SKIPPED,
} from '@beskar7/backend-testing/kubernetes';
import {
  createKubernetesIntegration,
  KubernetesIntegration,
} from './KubernetesIntegration';
import {
  API_VERSION,
  BESKAR7_CLUSTER,
  BESKAR7_MACHINE,
  GROUP,
  PHYSICAL_HOST,
  VERSION,
} from './types';

jest.setTimeout(120_000);

const databases = createTestDatabases();
/** Cluster API's CRDs: `$BESKAR7_CLUSTER_API_DIR`, else beside the repository (tests only). */
const CAPI_CRDS = join(
  process.env.BESKAR7_CLUSTER_API_DIR ??
    resolve(__dirname, '../../../../../shared/cluster-api'),
  'crds/core',
);

const runnable = process.env[REAL_CLUSTER_ENV] && existsSync(CAPI_CRDS);
const realCluster = runnable ? describe : describe.skip;
if (!runnable) {
  it.skip(`Beskar7Machine against the InfraMachine contract ${
    process.env[REAL_CLUSTER_ENV]
      ? `skipped, no Cluster API CRDs at ${CAPI_CRDS}`
      : REAL_CLUSTER_SKIPPED
  }`, () => {});
}

/*
 * The InfraMachine side of Cluster API's contract on the real kube-apiserver
 * with Cluster API's CRDs, its objects written in full as its controllers
 * would write them: what the Beskar7Machine waits for, what it takes from
 * its owner Machine, and pause.
 */
realCluster(
  'Beskar7Machine and the InfraMachine contract (real cluster)',
  () => {
    let env: KubeTestEnvironment;
    let custom: CustomObjectsApi;
    let knex: Knex;
    let hosts: HostStore;
    let machines: MachineStore;
    let claims: ClaimCoordinator;
    let integration: KubernetesIntegration;

    beforeAll(async () => {
      env = await createKubeTestEnvironment('real cluster');
      await installCrds(
        env.kubeConfig,
        ['clusters', 'machines'].map(p =>
          join(CAPI_CRDS, `cluster.x-k8s.io_${p}.yaml`),
        ),
      );
      custom = env.kubeConfig.makeApiClient(CustomObjectsApi);
      knex = await databases.init('SQLITE_3');
      await applyDatabaseMigrations(knex);
      hosts = new HostStore(knex);
      machines = new MachineStore(knex);
      claims = createClaimCoordinator({
        mode: 'optimistic',
        knex,
        metrics: createBeskar7Metrics(),
      });
      integration = createKubernetesIntegration({
        config: new ConfigReader({
          beskar7: {
            kubernetes: {
              enabled: true,
              namespace: env.namespace,
              resyncInterval: '1s',
            },
          },
        }),
        logger: mockServices.logger.mock(),
        kubeConfig: env.kubeConfig,
      })!;
      integration.connect({
        replicaId: 'replica-0',
        metrics: createBeskar7Metrics(),
        timing: resolveLeaderElectionTiming({}),
        hosts,
        machines,
        inventory: new InventoryService({ knex, claims }),
        machineService: new MachineService(machines, claims),
        isActive: () => true,
        publishIntervalMs: 100,
      });
      integration.start();
      await createCluster('c1');
    });
    afterAll(async () => {
      await integration?.stop();
      await env?.stop();
    });

    const ref = (group: string, plural: string) => ({
      group,
      version: VERSION,
      plural,
      namespace: env.namespace,
    });
    const b7m = () => ref(GROUP, BESKAR7_MACHINE.plural);
    const capi = (plural: string) => ref('cluster.x-k8s.io', plural);
    const getB7m = (name: string): Promise<any> =>
      custom.getNamespacedCustomObject({ ...b7m(), name });

    function createCluster(name: string, paused = false, infra = false) {
      return custom.createNamespacedCustomObject({
        ...capi('clusters'),
        body: {
          apiVersion: 'cluster.x-k8s.io/v1beta1',
          kind: 'Cluster',
          metadata: { name },
          spec: {
            paused,
            ...(infra && {
              infrastructureRef: {
                apiVersion: API_VERSION,
                kind: BESKAR7_CLUSTER.kind,
                name,
              },
            }),
          },
        },
      });
    }

    async function createOwnedMachine(
      name: string,
      options: {
        cluster?: string;
        failureDomain?: string;
        owned?: boolean;
      } = {},
    ) {
      const cluster = options.cluster ?? 'c1';
      // Cluster API's webhook wants a bootstrap source: a KubeadmConfig
      // that never comes, so that only the test sets dataSecretName. An
      // orphan has no Machine at all (one would adopt it).
      const owner: any =
        options.owned === false
          ? undefined
          : await custom.createNamespacedCustomObject({
              ...capi('machines'),
              body: {
                apiVersion: 'cluster.x-k8s.io/v1beta1',
                kind: 'Machine',
                metadata: {
                  name,
                  labels: { 'cluster.x-k8s.io/cluster-name': cluster },
                },
                spec: {
                  clusterName: cluster,
                  bootstrap: {
                    configRef: {
                      apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta1',
                      kind: 'KubeadmConfig',
                      name: `${name}-never`,
                    },
                  },
                  infrastructureRef: {
                    apiVersion: API_VERSION,
                    kind: BESKAR7_MACHINE.kind,
                    name,
                  },
                  failureDomain: options.failureDomain,
                },
              },
            });
      // As Cluster API clones a template: labelled, owned right after.
      await custom.createNamespacedCustomObject({
        ...b7m(),
        body: {
          apiVersion: API_VERSION,
          kind: BESKAR7_MACHINE.kind,
          metadata: {
            name,
            labels: { 'cluster.x-k8s.io/cluster-name': cluster },
            ownerReferences:
              options.owned === false
                ? undefined
                : [
                    {
                      apiVersion: 'cluster.x-k8s.io/v1beta1',
                      kind: 'Machine',
                      name,
                      uid: owner.metadata.uid,
                    },
                  ],
          },
          // What a template leaving the configuration to Cluster API gives.
          spec: {
            imageURL: 'https://images.example/ubuntu.iso',
            osFamily: 'cloud-init',
          },
        },
      });
      return owner;
    }

    /** What a bootstrap provider does: writes the Secret, then names it. */
    async function setDataSecret(
      machine: string,
      secret: string,
      options: { writeSecret?: boolean } = {},
    ) {
      if (options.writeSecret ?? true) await writeSecret(secret);
      return custom.patchNamespacedCustomObject({
        ...capi('machines'),
        name: machine,
        body: [
          {
            op: 'add',
            path: '/spec/bootstrap/dataSecretName',
            value: secret,
          },
        ],
      });
    }

    function writeSecret(name: string) {
      return env.kubeConfig.makeApiClient(CoreV1Api).createNamespacedSecret({
        namespace: env.namespace,
        body: {
          metadata: { name },
          type: 'cluster.x-k8s.io/secret',
          stringData: { value: '#cloud-config\n', format: 'cloud-config' },
        },
      });
    }

    function createHost(
      name: string,
      failureDomain?: string,
      labels?: Record<string, string>,
    ) {
      return custom.createNamespacedCustomObject({
        ...ref(GROUP, PHYSICAL_HOST.plural),
        body: {
          apiVersion: API_VERSION,
          kind: PHYSICAL_HOST.kind,
          metadata: { name, labels },
          spec: {
            redfishConnection: {
              address: `https://bmc-${name}.example`,
              credentialsSecretRef: 'bmc',
            },
            failureDomain,
          },
        },
      });
    }

    const readyCondition = (obj: any) =>
      obj.status?.conditions?.find((c: any) => c.type === 'Ready');

    it('waits for its owner Machine and the bootstrap data, then requests a machine with that Secret and the failure domain', async () => {
      await createOwnedMachine('m-wait', { failureDomain: 'rack-2' });
      const waiting = await eventually(
        () => getB7m('m-wait'),
        m => readyCondition(m)?.reason === 'WaitingForBootstrapData',
        { what: 'the WaitingForBootstrapData condition', intervalMs: 100 },
      );
      expect(readyCondition(waiting)).toMatchObject({
        status: 'False',
        severity: 'Info',
        message: expect.stringContaining('spec.bootstrap.dataSecretName'),
      });
      expect(waiting.status.ready).toBe(false);
      expect(waiting.spec.providerID).toBeUndefined();
      // A while later, still nothing requested.
      await new Promise(r => setTimeout(r, 1_500));
      expect(await machines.getByName(env.namespace, 'm-wait')).toBeUndefined();

      // Named before the Secret exists: still waiting, for the Secret.
      await setDataSecret('m-wait', 'm-wait-bootstrap', { writeSecret: false });
      await eventually(
        () => getB7m('m-wait'),
        m => readyCondition(m)?.message?.includes('Secret m-wait-bootstrap'),
        { what: 'the wait for the Secret', intervalMs: 100 },
      );
      expect(await machines.getByName(env.namespace, 'm-wait')).toBeUndefined();
      await writeSecret('m-wait-bootstrap');
      const machine = await eventually(
        () => machines.getByName(env.namespace, 'm-wait'),
        Boolean,
        { what: 'the machine request', intervalMs: 100 },
      );
      expect(machine).toMatchObject({
        bootstrapDataSecret: 'm-wait-bootstrap',
        osFamily: 'cloud-init',
        provisioningMode: 'RemoteConfig',
        requirements: { namespace: env.namespace, failureDomain: 'rack-2' },
      });
      expect(machine?.configUrl).toBeUndefined();
      const accepted = await eventually(
        () => getB7m('m-wait'),
        m => m.spec.providerID === `b7://${env.namespace}/m-wait`,
        { what: 'providerID', intervalMs: 100 },
      );
      expect(accepted.status.conditions).not.toContainEqual(
        expect.objectContaining({ type: 'Accepted', status: 'False' }),
      );
    });

    it('claims a host of the failure domain its Machine names, and says Hostname and provisioned', async () => {
      await createHost('h-rack-1', 'rack-1');
      await createHost('h-rack-3', 'rack-3');
      await eventually(
        () => hosts.getByName(env.namespace, 'h-rack-3'),
        Boolean,
        { intervalMs: 100 },
      );
      await createOwnedMachine('m-domain', { failureDomain: 'rack-3' });
      await setDataSecret('m-domain', 'm-domain-bootstrap');
      const machine = await eventually(
        () => machines.getByName(env.namespace, 'm-domain'),
        Boolean,
        { intervalMs: 100 },
      );
      // Hosts are enrolled by the reconcilers; here they are made Available.
      for (const name of ['h-rack-1', 'h-rack-3']) {
        const host = (await hosts.getByName(env.namespace, name))!;
        await hosts.updateState(host.id, host.version, {
          to: 'Available',
          reason: 'Inspected',
        });
      }
      const result = await claims.claim(machine!.id);
      expect(result.outcome).toBe('claimed');
      const claimed = await machines.getByName(env.namespace, 'm-domain');
      expect((await hosts.get(claimed!.hostId!))?.name).toBe('h-rack-3');
      const obj = await eventually(
        () => getB7m('m-domain'),
        m => m.status?.hostRef?.name === 'h-rack-3',
        { what: 'the hostRef', intervalMs: 100 },
      );
      expect(obj.status).toMatchObject({
        ready: false,
        initialization: { provisioned: false },
        addresses: [{ type: 'Hostname', address: 'm-domain' }],
      });
    });

    it('a cloned Beskar7Machine without its owner yet waits for it', async () => {
      await createOwnedMachine('m-orphan', { owned: false });
      const waiting = await eventually(
        () => getB7m('m-orphan'),
        m =>
          readyCondition(m)?.reason === 'WaitingForClusterAPIMachineOwnerRef',
        { what: 'the owner condition', intervalMs: 100 },
      );
      expect(waiting.metadata.finalizers ?? []).toEqual([]);
      expect(
        await machines.getByName(env.namespace, 'm-orphan'),
      ).toBeUndefined();
    });

    it('touches nothing while its Cluster is paused, and goes on once unpaused', async () => {
      await createCluster('c-paused', true);
      await createOwnedMachine('m-paused', { cluster: 'c-paused' });
      await setDataSecret('m-paused', 'm-paused-bootstrap');
      await new Promise(r => setTimeout(r, 2_500));
      const untouched = await getB7m('m-paused');
      expect(untouched.status).toBeUndefined();
      expect(untouched.metadata.finalizers).toBeUndefined();
      expect(
        await machines.getByName(env.namespace, 'm-paused'),
      ).toBeUndefined();

      await custom.patchNamespacedCustomObject({
        ...capi('clusters'),
        name: 'c-paused',
        body: [{ op: 'replace', path: '/spec/paused', value: false }],
      });
      await eventually(
        () => machines.getByName(env.namespace, 'm-paused'),
        Boolean,
        { what: 'the machine request after unpausing', intervalMs: 100 },
      );
    });

    it('refuses a standalone RemoteConfig Beskar7Machine without configURL, naming the field', async () => {
      await custom.createNamespacedCustomObject({
        ...b7m(),
        body: {
          apiVersion: API_VERSION,
          kind: BESKAR7_MACHINE.kind,
          metadata: { name: 'm-standalone' },
          spec: {
            imageURL: 'https://images.example/flatcar.iso',
            osFamily: 'flatcar',
          },
        },
      });
      const refused = await eventually(
        () => getB7m('m-standalone'),
        m => m.status?.phase === 'Failed',
        { what: 'the refusal', intervalMs: 100 },
      );
      expect(refused.status.conditions).toContainEqual(
        expect.objectContaining({
          type: 'Accepted',
          status: 'False',
          reason: 'InvalidSpec',
          message: expect.stringContaining('spec.configURL'),
        }),
      );
      expect(
        await machines.getByName(env.namespace, 'm-standalone'),
      ).toBeUndefined();
    });

    /** A Beskar7Cluster, owned by its Cluster as Cluster API would own it. */
    async function createBeskar7Cluster(
      name: string,
      spec: object,
      owner?: { metadata: { uid: string } },
    ) {
      await custom.createNamespacedCustomObject({
        ...ref(GROUP, BESKAR7_CLUSTER.plural),
        body: {
          apiVersion: API_VERSION,
          kind: BESKAR7_CLUSTER.kind,
          metadata: {
            name,
            ownerReferences: owner && [
              {
                apiVersion: 'cluster.x-k8s.io/v1beta1',
                kind: 'Cluster',
                name,
                uid: owner.metadata.uid,
              },
            ],
          },
          spec: {
            controlPlaneEndpoint: { host: '10.0.0.10', port: 6443 },
            ...spec,
          },
        },
      });
    }
    const getB7c = (name: string): Promise<any> =>
      custom.getNamespacedCustomObject({
        ...ref(GROUP, BESKAR7_CLUSTER.plural),
        name,
      });

    it('a Beskar7Cluster waits for its Cluster, then is ready with the failure domains of its hosts, which Machines of a domain claim by', async () => {
      // Hosts in zones (a label); their own failureDomain is not asked for.
      await createHost('h-zone-a', 'rack-9', { zone: 'z-a' });
      await createHost('h-zone-b', undefined, { zone: 'z-b' });
      await createBeskar7Cluster('c-zones', { failureDomainLabel: 'zone' });
      const waiting = await eventually(
        () => getB7c('c-zones'),
        c => readyCondition(c)?.reason === 'WaitingForClusterOwnerRef',
        { what: 'the owner condition', intervalMs: 100 },
      );
      expect(waiting.status.ready).toBeUndefined();
      expect(waiting.metadata.finalizers).toBeUndefined();
      await custom.deleteNamespacedCustomObject({
        ...ref(GROUP, BESKAR7_CLUSTER.plural),
        name: 'c-zones',
      });

      const cluster: any = await createCluster('c-zones', false, true);
      await createBeskar7Cluster(
        'c-zones',
        { failureDomainLabel: 'zone' },
        cluster,
      );
      const ready = await eventually(
        () => getB7c('c-zones'),
        c => c.status?.ready === true && c.status.failureDomains?.['z-b'],
        { what: 'the Beskar7Cluster to be ready', intervalMs: 100 },
      );
      expect(ready.metadata.finalizers).toEqual([
        'infrastructure.cluster.x-k8s.io/beskar7',
      ]);
      expect(ready.status).toMatchObject({
        initialization: { provisioned: true },
        failureDomains: {
          'z-a': { controlPlane: true },
          'z-b': { controlPlane: true },
        },
      });
      expect(Object.keys(ready.status.failureDomains)).toEqual(['z-a', 'z-b']);
      expect(readyCondition(ready)).toMatchObject({ status: 'True' });

      // A host in a new zone makes a new failure domain.
      await createHost('h-zone-c', undefined, { zone: 'z-c' });
      await eventually(
        () => getB7c('c-zones'),
        c => Boolean(c.status.failureDomains['z-c']),
        { what: 'failure domain z-c', intervalMs: 100 },
      );

      // A Machine in z-b asks for a host labelled zone=z-b.
      await createOwnedMachine('m-zone', {
        cluster: 'c-zones',
        failureDomain: 'z-b',
      });
      await setDataSecret('m-zone', 'm-zone-bootstrap');
      const machine = await eventually(
        () => machines.getByName(env.namespace, 'm-zone'),
        Boolean,
        { what: 'the machine request', intervalMs: 100 },
      );
      expect(machine!.requirements.failureDomain).toBeUndefined();
      expect(machine!.requirements.selector).toEqual({
        matchExpressions: [{ key: 'zone', operator: 'In', values: ['z-b'] }],
      });

      // Deleted, it stays until no Beskar7Machine of the cluster is left.
      await eventually(
        () => getB7m('m-zone'),
        m => Boolean(m.metadata.finalizers?.length),
        { what: 'm-zone to be taken in', intervalMs: 100 },
      );
      await custom.deleteNamespacedCustomObject({
        ...ref(GROUP, BESKAR7_CLUSTER.plural),
        name: 'c-zones',
      });
      const deleting = await eventually(
        () => getB7c('c-zones'),
        c => readyCondition(c)?.reason === 'Deleting',
        { what: 'the Deleting condition', intervalMs: 100 },
      );
      expect(readyCondition(deleting).message).toContain('1 Beskar7Machine');
      await custom.deleteNamespacedCustomObject({ ...b7m(), name: 'm-zone' });
      await eventually(
        () =>
          getB7c('c-zones').then(
            () => false,
            () => true,
          ),
        Boolean,
        { what: 'the Beskar7Cluster to go', intervalMs: 100 },
      );
    });

    it('a paused Beskar7Cluster is not touched until unpaused', async () => {
      const cluster: any = await createCluster('c-infra-paused', true, true);
      await createBeskar7Cluster('c-infra-paused', {}, cluster);
      await new Promise(r => setTimeout(r, 2_500));
      const untouched = await getB7c('c-infra-paused');
      expect(untouched.status).toBeUndefined();
      expect(untouched.metadata.finalizers).toBeUndefined();
      await custom.patchNamespacedCustomObject({
        ...capi('clusters'),
        name: 'c-infra-paused',
        body: [{ op: 'replace', path: '/spec/paused', value: false }],
      });
      const ready = await eventually(
        () => getB7c('c-infra-paused'),
        c => c.status?.ready === true,
        { what: 'ready once unpaused', intervalMs: 100 },
      );
      // No label named: the hosts' own failureDomain values.
      expect(ready.status.failureDomains).toMatchObject({
        'rack-9': { controlPlane: true },
      });
    });
  },
);
