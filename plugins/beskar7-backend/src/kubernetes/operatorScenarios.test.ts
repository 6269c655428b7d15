import { mockServices } from '@backstage/backend-test-utils';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import { ConfigReader } from '@backstage/config';
import {
  AdmissionregistrationV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { Knex } from 'knex';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  ClaimCoordinator,
  completeRelease,
  createClaimCoordinator,
} from '../claims';
import { resolveLeaderElectionTiming } from '../claims/leaderElection';
import { powerStateColumns } from '../database/hostRows';
import { HostStore } from '../database/HostStore';
import { applyDatabaseMigrations } from '../database/migrations';
import { MachineStore } from '../database/MachineStore';
import { InventoryService } from '../inventory/InventoryService';
import { DatabaseFleetFacts } from '../diagnostics/DatabaseFleetFacts';
import { failHost, recoverHost } from '../lifecycle';
import { createQueueMetrics } from '../metrics/queueMetrics';
import { MachineService } from '../machines/MachineService';
import { createBeskar7Metrics } from '../metrics';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import { capturingLogger } from '@beskar7/backend-testing/logging';
import { statusCodeOf } from './apiErrors';
import { CREDENTIALS_FINALIZER } from './CredentialsRetention';
import { SecretCredentialResolver } from './SecretCredentialResolver';
import {
  createKubeTestEnvironment,
  ensureShippedClusterRole,
  KubeTestEnvironment,
  namespaceControllerRunning,
  REAL_CLUSTER_ENV,
  REAL_CLUSTER_SKIPPED,
  shippedBackendIdentity,
} from '@beskar7/backend-testing/kubernetes';
import {
  createKubernetesIntegration,
  KubernetesIntegration,
} from './KubernetesIntegration';
import {
  API_VERSION,
  BESKAR7_MACHINE,
  FINALIZER,
  GROUP,
  PHYSICAL_HOST,
  VERSION,
} from './types';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const DOCS = resolve(__dirname, '../../../../docs/kubernetes.md');

/*
 * What an operator does with kubectl, against a real kube-apiserver, with
 * the backend's Kubernetes side wired as plugin.ts wires it (real services,
 * real database). A small driver stands in for the reconcilers: it claims
 * for Pending machines and finishes deprovisioning, without Redfish.
 */
const realCluster = process.env[REAL_CLUSTER_ENV] ? describe : describe.skip;
if (!process.env[REAL_CLUSTER_ENV]) {
  it.skip(`operator scenarios ${REAL_CLUSTER_SKIPPED}`, () => {});
}

realCluster('operator scenarios (real cluster)', () => {
  let env: KubeTestEnvironment;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;
  let knex: Knex;
  let hosts: HostStore;
  let machines: MachineStore;
  let claims: ClaimCoordinator;
  let stopDriver: () => Promise<void>;
  /** While true, the driver leaves hosts Deprovisioning: a release in progress. */
  let holdReleases = false;
  /**
   * When set, the driver reads each releasing host's BMC credentials
   * through it first, as deprovisioning over Redfish does; a host whose
   * credentials cannot be read fails its cleanup.
   */
  let releaseCredentials: SecretCredentialResolver | undefined;
  const credentialFailures: string[] = [];
  const replicas: KubernetesIntegration[] = [];

  beforeAll(async () => {
    env = await createKubeTestEnvironment('real cluster');
    custom = env.kubeConfig.makeApiClient(CustomObjectsApi);
    core = env.kubeConfig.makeApiClient(CoreV1Api);
    knex = await databases.init('POSTGRES_15');
    await applyDatabaseMigrations(knex);
    hosts = new HostStore(knex);
    machines = new MachineStore(knex);
    claims = createClaimCoordinator({
      mode: 'optimistic',
      knex,
      metrics: createBeskar7Metrics(),
    });
    stopDriver = drive();
    await createBmcSecret(env.namespace);
  });
  /** The Secret `bmc` the PhysicalHosts here name for their BMC credentials. */
  function createBmcSecret(namespace: string) {
    return core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: 'bmc' },
        stringData: { username: 'admin', password: 'pw' },
      },
    });
  }

  /** A namespace of its own beside the test's, with its BMC Secret. */
  async function namespaceWithBmcSecret(suffix: string): Promise<string> {
    const namespace = `${env.namespace}-${suffix}`;
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await createBmcSecret(namespace);
    return namespace;
  }

  afterAll(async () => {
    await Promise.all(replicas.splice(0).map(r => r.stop()));
    await stopDriver?.();
    await env?.stop();
  });
  afterEach(async () => {
    holdReleases = false;
    releaseCredentials = undefined;
    await Promise.all(replicas.splice(0).map(r => r.stop()));
  });

  /** What the reconcilers do, minus Redfish: enrol, claim, finish releases. */
  function drive(): () => Promise<void> {
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        for (const host of await hosts.list({ state: 'Enrolling' })) {
          // Inspection reads the power state too.
          await knex('beskar7_hosts')
            .where({ id: host.id })
            .update(powerStateColumns('Off'));
          await hosts
            .updateState(host.id, host.version, {
              to: 'Available',
              reason: 'Inspected',
            })
            .catch(() => {});
        }
        for (const m of await machines.list({ phase: 'Pending' })) {
          await claims.claim(m.id).catch(() => {});
        }
        const releasing = holdReleases
          ? []
          : await hosts.list({ state: 'Deprovisioning' });
        for (const host of releasing) {
          try {
            await releaseCredentials?.resolve(host.bmc.credentialsRef);
          } catch (error) {
            credentialFailures.push(`${host.name}: ${error}`);
            await failHost(
              knex,
              {
                hostId: host.id,
                reason: 'DeprovisionFailed',
                message: String(error),
                from: ['Deprovisioning'],
              },
              undefined,
            ).catch(() => {});
            continue;
          }
          await completeRelease(knex, host.id).catch(() => {});
        }
        await new Promise(r => setTimeout(r, 100));
      }
    })();
    return async () => {
      stopped = true;
      await loop;
    };
  }

  /** One replica's Kubernetes side; it acts while `active()` says so. */
  function replica(
    options: {
      active?: () => boolean;
      crossNamespaceClaims?: boolean;
      kubeConfig?: KubeConfig;
      logger?: LoggerService;
      namespace?: string;
    } = {},
  ) {
    const metrics = createBeskar7Metrics();
    const integration = createKubernetesIntegration({
      config: new ConfigReader({
        beskar7: {
          kubernetes: {
            enabled: true,
            namespace: options.namespace ?? env.namespace,
            resyncInterval: '1s',
            crossNamespaceClaims: options.crossNamespaceClaims ?? false,
          },
        },
      }),
      logger: options.logger ?? mockServices.logger.mock(),
      kubeConfig: options.kubeConfig ?? env.kubeConfig,
    })!;
    integration.connect({
      replicaId: `replica-${replicas.length}`,
      metrics,
      timing: resolveLeaderElectionTiming({}),
      hosts,
      machines,
      inventory: new InventoryService({ knex, claims }),
      machineService: new MachineService(machines, claims),
      isActive: options.active ?? (() => true),
      publishIntervalMs: 100,
    });
    replicas.push(integration);
    integration.start();
    return integration;
  }

  const ref = (plural: string, namespace = env.namespace) => ({
    group: GROUP,
    version: VERSION,
    plural,
    namespace,
  });
  const get = (
    plural: string,
    name: string,
    namespace?: string,
  ): Promise<any> =>
    custom.getNamespacedCustomObject({ ...ref(plural, namespace), name });
  const gone = (plural: string, name: string, namespace?: string) =>
    get(plural, name, namespace).then(
      () => false,
      error => statusCodeOf(error) === 404,
    );
  const remove = (plural: string, name: string) =>
    custom.deleteNamespacedCustomObject({ ...ref(plural), name });

  const hostBody = (name: string, pool: string) => ({
    apiVersion: API_VERSION,
    kind: PHYSICAL_HOST.kind,
    metadata: { name },
    spec: {
      redfishConnection: {
        address: `https://bmc-${name}.example`,
        credentialsSecretRef: 'bmc',
      },
      pool,
    },
  });

  function createHost(name: string, pool: string) {
    return custom.createNamespacedCustomObject({
      ...ref(PHYSICAL_HOST.plural),
      body: hostBody(name, pool),
    });
  }

  const machineBody = (name: string, spec: Record<string, unknown>) => ({
    apiVersion: API_VERSION,
    kind: BESKAR7_MACHINE.kind,
    metadata: { name },
    spec: {
      imageURL: 'https://images.example/flatcar.iso',
      osFamily: 'flatcar',
      provisioningMode: 'PXE',
      ...spec,
    },
  });

  function createMachine(name: string, spec: Record<string, unknown>) {
    return custom.createNamespacedCustomObject({
      ...ref(BESKAR7_MACHINE.plural),
      body: machineBody(name, spec),
    });
  }

  /**
   * A real admission policy that refuses our finalizer to the object
   * `body` names, in force once a dry run of `body` with the finalizer is
   * refused. Returns what lifts it.
   */
  async function refuseOurFinalizer(
    plural: string,
    body: { metadata: { name: string } },
  ): Promise<() => Promise<void>> {
    const admission = env.kubeConfig.makeApiClient(AdmissionregistrationV1Api);
    const { name } = body.metadata;
    const policy = `beskar7-test-refuse-finalizer-${env.namespace}-${plural}`;
    await admission.createValidatingAdmissionPolicy({
      body: {
        metadata: { name: policy },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: {
            resourceRules: [
              {
                apiGroups: [GROUP],
                apiVersions: ['*'],
                operations: ['CREATE', 'UPDATE'],
                resources: [plural],
              },
            ],
          },
          validations: [
            {
              expression: `object.metadata.name != '${name}' || !has(object.metadata.finalizers) || !('${FINALIZER}' in object.metadata.finalizers)`,
              message: 'the test refuses this finalizer',
            },
          ],
        },
      },
    });
    await admission.createValidatingAdmissionPolicyBinding({
      body: {
        metadata: { name: policy },
        spec: {
          policyName: policy,
          validationActions: ['Deny'],
          matchResources: {
            namespaceSelector: {
              matchLabels: { 'kubernetes.io/metadata.name': env.namespace },
            },
          },
        },
      },
    });
    const refused = {
      ...body,
      metadata: { ...body.metadata, finalizers: [FINALIZER] },
    };
    await eventually(
      () =>
        custom
          .createNamespacedCustomObject({
            ...ref(plural),
            body: refused,
            dryRun: 'All',
          })
          .then(
            () => undefined,
            error => statusCodeOf(error),
          ),
      code => code === 422,
      { intervalMs: 200 },
    );
    return async () => {
      await admission.deleteValidatingAdmissionPolicyBinding({ name: policy });
      await admission.deleteValidatingAdmissionPolicy({ name: policy });
    };
  }

  /** The hosts the diagnostics' plain-http-logins check warns about. */
  function plainHttpFacts() {
    const metrics = createBeskar7Metrics();
    return new DatabaseFleetFacts({
      knex,
      metrics,
      queueMetrics: createQueueMetrics(metrics.registry),
      queueStatus: async () => {
        throw new Error('not read here');
      },
      replicas: async () => [],
      mode: 'optimistic',
    }).plainHttpHosts();
  }

  const machinePhase = (name: string, phase: string) =>
    eventually(
      () => get(BESKAR7_MACHINE.plural, name),
      m => m.status?.phase === phase,
      { intervalMs: 100 },
    );

  async function eventsOf(name: string) {
    const list = await core.listNamespacedEvent({ namespace: env.namespace });
    return list.items.filter(e => e.involvedObject.name === name);
  }

  /** The inventory's host of that name, once `check` holds. */
  const inventoryHost = (
    name: string,
    check: (host: Host | undefined) => boolean,
  ) =>
    eventually(() => hosts.getByName(env.namespace, name), check, {
      intervalMs: 100,
    });
  const goneSoon = (plural: string, name: string, namespace?: string) =>
    eventually(() => gone(plural, name, namespace), Boolean, {
      intervalMs: 100,
    });

  /** As `kubectl patch` by an operator forcing a delete: the object goes at once. */
  async function dropFinalizers(plural: string, name: string) {
    await custom.patchNamespacedCustomObject({
      ...ref(plural),
      name,
      body: [{ op: 'remove', path: '/metadata/finalizers' }],
    });
    await goneSoon(plural, name);
  }

  /** Deletes the PhysicalHost of a host a machine holds: it stays, saying why. */
  async function deleteHostInUse(name: string) {
    await remove(PHYSICAL_HOST.plural, name);
    await eventually(
      () => eventsOf(name),
      events => events.some(e => e.reason === 'HostInUse'),
      { intervalMs: 100 },
    );
  }

  it('create, delete and re-create a Beskar7Machine: each object gets a host, each delete returns it', async () => {
    replica();
    await createHost('h-recreate', 'recreate');
    // The Power printer column.
    await eventually(
      () => get(PHYSICAL_HOST.plural, 'h-recreate'),
      h => h.status?.observedPowerState === 'Off',
      { intervalMs: 100 },
    );
    await createMachine('m-recreate', { hostSelector: { pool: 'recreate' } });
    const first = await machinePhase('m-recreate', 'Claimed');
    expect(first.metadata.finalizers).toContain(FINALIZER);
    expect(first.status.hostRef.name).toBe('h-recreate');

    await remove(BESKAR7_MACHINE.plural, 'm-recreate');
    await goneSoon(BESKAR7_MACHINE.plural, 'm-recreate');
    await inventoryHost(
      'h-recreate',
      h => h?.state === 'Available' && !h.consumerId,
    );

    // The same name again is a new machine, not the released one.
    await createMachine('m-recreate', { hostSelector: { pool: 'recreate' } });
    const second = await machinePhase('m-recreate', 'Claimed');
    expect(second.metadata.uid).not.toBe(first.metadata.uid);
    expect(second.status.hostRef.name).toBe('h-recreate');
  });

  it('keeps a deleted Beskar7Machine until its release ends, and shows a failed release in an Event', async () => {
    replica();
    await createHost('h-slow-release', 'slow-release');
    await createMachine('m-slow-release', {
      hostSelector: { pool: 'slow-release' },
    });
    await machinePhase('m-slow-release', 'Claimed');

    holdReleases = true;
    await remove(BESKAR7_MACHINE.plural, 'm-slow-release');
    await eventually(
      () => machines.getByName(env.namespace, 'm-slow-release'),
      m => m?.phase === 'Releasing',
      { intervalMs: 100 },
    );
    // Two resyncs and publications later the release still runs: the
    // object, its finalizer and the host it holds stay.
    await machinePhase('m-slow-release', 'Releasing');
    await new Promise(r => setTimeout(r, 2_000));
    const releasing = await get(BESKAR7_MACHINE.plural, 'm-slow-release');
    expect(releasing.metadata.finalizers).toContain(FINALIZER);
    expect(releasing.status.hostRef.name).toBe('h-slow-release');

    // The host's cleanup fails for good: the release ends all the same
    // (a machine never stays Releasing), a Warning Event says why, and the
    // host stays in Error, held by nobody and never claimed.
    const host = (await hosts.getByName(env.namespace, 'h-slow-release'))!;
    await failHost(
      knex,
      {
        hostId: host.id,
        reason: 'DeprovisionFailed',
        message: 'the BMC refused to power the server off',
        from: ['Deprovisioning'],
      },
      undefined,
    );
    await eventually(
      () => eventsOf('m-slow-release'),
      events =>
        events.some(
          e =>
            e.reason === 'ReleaseFailed' &&
            e.type === 'Warning' &&
            e.message?.includes('the BMC refused'),
        ),
      { intervalMs: 100 },
    );
    await goneSoon(BESKAR7_MACHINE.plural, 'm-slow-release');
    expect(
      await hosts.getByName(env.namespace, 'h-slow-release'),
    ).toMatchObject({ state: 'Error', consumerId: undefined });

    // Recovered, the host's cleanup runs again before it is Available.
    await recoverHost(knex, { hostId: host.id }, undefined);
    holdReleases = false;
    await inventoryHost('h-slow-release', h => h?.state === 'Available');
  });

  it('lets a rolling change of crossNamespaceClaims pass without a condition change on existing machines', async () => {
    let leader: 'narrow' | 'wide' = 'narrow';
    replica({ active: () => leader === 'narrow' });
    await createHost('h-rollout', 'rollout');
    await createMachine('m-rollout-held', {
      hostSelector: { pool: 'rollout' },
    });
    await machinePhase('m-rollout-held', 'Claimed');
    await createMachine('m-rollout-waiting', {
      hostSelector: { pool: 'rollout' },
    });
    await eventually(
      () => get(BESKAR7_MACHINE.plural, 'm-rollout-waiting'),
      m => m.status?.phase === 'Pending',
      { intervalMs: 100 },
    );
    const names = ['m-rollout-held', 'm-rollout-waiting'];
    const conditionsOf = () =>
      Promise.all(
        names.map(n =>
          get(BESKAR7_MACHINE.plural, n).then(m => m.status.conditions),
        ),
      );
    const before = await conditionsOf();

    // The new setting's replica leads, then the old one again.
    const wide = replica({
      active: () => leader === 'wide',
      crossNamespaceClaims: true,
    });
    await wide.whenSynced();
    leader = 'wide';
    await new Promise(r => setTimeout(r, 3_000));
    expect(await conditionsOf()).toEqual(before);
    leader = 'narrow';
    await new Promise(r => setTimeout(r, 3_000));
    expect(await conditionsOf()).toEqual(before);
    for (const name of names) {
      expect((await eventsOf(name)).filter(e => e.type === 'Warning')).toEqual(
        [],
      );
    }
  });

  it('never shows a re-created name its predecessor’s phase, host or Events', async () => {
    replica();
    await createHost('h-reborn', 'reborn');
    await createMachine('m-reborn', { hostSelector: { pool: 'reborn' } });
    await machinePhase('m-reborn', 'Claimed');

    // Deleted while its release runs, and its finalizer dropped by hand.
    holdReleases = true;
    await remove(BESKAR7_MACHINE.plural, 'm-reborn');
    await machinePhase('m-reborn', 'Releasing');
    await dropFinalizers(BESKAR7_MACHINE.plural, 'm-reborn');

    const reborn = await createMachine('m-reborn', {
      hostSelector: { pool: 'reborn' },
    });
    const uid = (reborn as any).metadata.uid;
    const seen: any[] = [];
    for (let i = 0; i < 20; i++) {
      seen.push((await get(BESKAR7_MACHINE.plural, 'm-reborn')).status);
      await new Promise(r => setTimeout(r, 100));
    }
    holdReleases = false;
    const claimed = await machinePhase('m-reborn', 'Claimed');
    expect(claimed.metadata.uid).toBe(uid);
    expect(seen.map(st => st?.phase)).not.toContain('Releasing');
    expect(seen.map(st => st?.phase)).not.toContain('Released');
    expect(seen.filter(st => st?.phase !== 'Claimed' && st?.hostRef)).toEqual(
      [],
    );
    const events = (await eventsOf('m-reborn')).filter(
      e => e.involvedObject.uid === uid,
    );
    expect(events.map(e => e.reason)).not.toContain('HostReleased');
  });

  it('declares a plain-HTTP BMC with spec.redfishConnection.allowPlainHttp, as bmc.allowPlainHttp does', async () => {
    replica();
    const plain = (name: string, allowPlainHttp?: boolean) =>
      custom.createNamespacedCustomObject({
        ...ref(PHYSICAL_HOST.plural),
        // As `kubectl apply` does: an unknown field is an error, not dropped.
        fieldValidation: 'Strict',
        body: {
          apiVersion: API_VERSION,
          kind: PHYSICAL_HOST.kind,
          metadata: { name },
          spec: {
            redfishConnection: {
              address: `http://bmc-${name}.example:8000`,
              credentialsSecretRef: 'bmc',
              ...(allowPlainHttp !== undefined && { allowPlainHttp }),
            },
            pool: 'plain-http',
          },
        },
      });
    await plain('h-plain-allowed', true);
    await plain('h-plain-default');
    const allowed = await inventoryHost(
      'h-plain-allowed',
      h => h !== undefined,
    );
    expect(allowed!.bmc.allowPlainHttp).toBe(true);
    const byDefault = await inventoryHost(
      'h-plain-default',
      h => h !== undefined,
    );
    expect(byDefault!.bmc.allowPlainHttp).toBe(false);
    // The diagnostics warn about it as about any plain-HTTP opt-in.
    const facts = await plainHttpFacts();
    expect(facts.map(h => h.name)).toContain('h-plain-allowed');
    expect(facts.map(h => h.name)).not.toContain('h-plain-default');
  });

  it('refuses a bad spec at apply time, and reports one that only the backend refuses once, without retrying, never touching a host', async () => {
    replica();
    await createHost('h-invalid', 'invalid');
    // A schema violation: refused by the CRD.
    await expect(
      createMachine('m-bad-url', {
        configURL: 'ftp://config.example/w.yaml',
        hostSelector: { pool: 'invalid' },
      }),
    ).rejects.toMatchObject({
      body: expect.stringContaining('spec.configURL'),
    });
    // docs/kubernetes.md's worker-0 without configURL, not owned by Cluster
    // API (whose bootstrap data would be its configuration): the backend's.
    await createMachine('m-no-config', {
      provisioningMode: 'RemoteConfig',
      hostSelector: { pool: 'invalid' },
    });
    const unconfigured = await machinePhase('m-no-config', 'Failed');
    expect(unconfigured.status.conditions).toContainEqual(
      expect.objectContaining({
        type: 'Accepted',
        status: 'False',
        reason: 'InvalidSpec',
        message: expect.stringContaining('spec.configURL: is required'),
      }),
    );

    // Past the CRD but not the backend's rules (the REST API's): a label
    // key Kubernetes would not accept on a label.
    await createMachine('m-invalid', {
      hostSelector: { pool: 'invalid', matchLabels: { 'bad key!': 'x' } },
    });
    const refused = await machinePhase('m-invalid', 'Failed');
    expect(refused.status.conditions).toContainEqual(
      expect.objectContaining({
        type: 'Accepted',
        status: 'False',
        reason: 'InvalidSpec',
        message: expect.stringContaining('requirements.selector.matchLabels'),
      }),
    );
    await new Promise(r => setTimeout(r, 3_000)); // three resyncs
    const events = (await eventsOf('m-invalid')).filter(
      e => e.reason === 'InvalidSpec',
    );
    expect(events.map(e => e.count)).toEqual([1]);
    expect(
      await machines.getByName(env.namespace, 'm-invalid'),
    ).toBeUndefined();
    expect(await hosts.getByName(env.namespace, 'h-invalid')).toMatchObject({
      state: 'Available',
    });
    expect(
      (await hosts.getByName(env.namespace, 'h-invalid'))?.consumerId,
    ).toBeUndefined();
  });

  it('keeps a machine spec immutable, and reports a spec that disagrees with the inventory once', async () => {
    let leader: 'a' | 'b' = 'a';
    replica({ active: () => leader === 'a' });
    await createHost('h-change', 'change');
    await createMachine('m-change', { hostSelector: { pool: 'change' } });
    await machinePhase('m-change', 'Claimed');

    await expect(
      custom.patchNamespacedCustomObject({
        ...ref(BESKAR7_MACHINE.plural),
        name: 'm-change',
        body: [
          {
            op: 'replace',
            path: '/spec/imageURL',
            value: 'https://images.example/other.iso',
          },
        ],
      }),
    ).rejects.toMatchObject({
      body: expect.stringContaining('imageURL is immutable'),
    });

    // A CRD without the rule let a change through while nobody led: the
    // next leader finds the object and the inventory disagree.
    await knex('beskar7_machines')
      .where({ namespace: env.namespace, name: 'm-change' })
      .update({ image_url: 'https://images.example/earlier.iso' });
    leader = 'b';
    replica({ active: () => leader === 'b' });
    const reported = await eventually(
      () => get(BESKAR7_MACHINE.plural, 'm-change'),
      m =>
        m.status?.conditions?.some(
          (c: any) => c.type === 'Accepted' && c.status === 'False',
        ),
      { intervalMs: 100 },
    );
    expect(reported.status.phase).toBe('Claimed');
    expect(
      reported.status.conditions.find((c: any) => c.type === 'Accepted'),
    ).toMatchObject({
      reason: 'SpecConflict',
      message: expect.stringContaining('different spec'),
    });
    await new Promise(r => setTimeout(r, 3_000));
    const events = (await eventsOf('m-change')).filter(
      e => e.reason === 'SpecConflict',
    );
    expect(events.map(e => e.count)).toEqual([1]);
  });

  it('handles a delete made while no replica leads, once one does', async () => {
    let leader: 'a' | 'b' | undefined = 'a';
    replica({ active: () => leader === 'a' });
    await createHost('h-failover', 'failover');
    await createHost('h-idle-failover', 'failover-idle');
    await createMachine('m-failover', { hostSelector: { pool: 'failover' } });
    await machinePhase('m-failover', 'Claimed');
    await eventually(
      () => get(PHYSICAL_HOST.plural, 'h-idle-failover'),
      h => h.metadata.finalizers?.includes(FINALIZER),
      { intervalMs: 100 },
    );
    const b = replica({ active: () => leader === 'b' });
    await b.whenSynced();

    // The leader dies; the deletes come before anyone else leads.
    leader = undefined;
    await remove(BESKAR7_MACHINE.plural, 'm-failover');
    await remove(PHYSICAL_HOST.plural, 'h-idle-failover');
    await new Promise(r => setTimeout(r, 2_000));
    expect(await gone(BESKAR7_MACHINE.plural, 'm-failover')).toBe(false);
    expect((await machines.getByName(env.namespace, 'm-failover'))?.phase).toBe(
      'Claimed',
    );

    leader = 'b';
    await goneSoon(BESKAR7_MACHINE.plural, 'm-failover');
    await goneSoon(PHYSICAL_HOST.plural, 'h-idle-failover');
    await inventoryHost(
      'h-failover',
      h => h?.state === 'Available' && !h.consumerId,
    );
    expect(
      await hosts.getByName(env.namespace, 'h-idle-failover'),
    ).toBeUndefined();
  });

  it('takes a deleted PhysicalHost out of the inventory: an idle one at once, one in use once released, never claimed again', async () => {
    replica();
    await createHost('h-idle', 'delete-idle');
    await inventoryHost('h-idle', h => h?.state === 'Available');
    await remove(PHYSICAL_HOST.plural, 'h-idle');
    await goneSoon(PHYSICAL_HOST.plural, 'h-idle');
    expect(await hosts.getByName(env.namespace, 'h-idle')).toBeUndefined();

    await createHost('h-busy', 'delete-busy');
    await createMachine('m-busy', { hostSelector: { pool: 'delete-busy' } });
    await machinePhase('m-busy', 'Claimed');
    await deleteHostInUse('h-busy');
    expect(await gone(PHYSICAL_HOST.plural, 'h-busy')).toBe(false);

    // Released, and another machine waits for that pool: it never gets it.
    await createMachine('m-waiting', { hostSelector: { pool: 'delete-busy' } });
    await remove(BESKAR7_MACHINE.plural, 'm-busy');
    await goneSoon(PHYSICAL_HOST.plural, 'h-busy');
    expect(await hosts.getByName(env.namespace, 'h-busy')).toBeUndefined();
    await new Promise(r => setTimeout(r, 1_000));
    expect((await machines.getByName(env.namespace, 'm-waiting'))?.phase).toBe(
      'Pending',
    );
  });

  it('registers no host whose PhysicalHost does not carry the finalizer yet, so that no delete can skip taking it out', async () => {
    const name = 'h-unfinalized';
    const lift = await refuseOurFinalizer(
      PHYSICAL_HOST.plural,
      hostBody(name, 'unfinalized'),
    );
    try {
      const lines: string[] = [];
      replica({ logger: capturingLogger(lines) });
      await createHost(name, 'unfinalized');
      // The controller tried to write the finalizer and was refused...
      await eventually(
        async () => lines.filter(l => l.startsWith('warn ')).join('\n'),
        logged => logged.includes(`PhysicalHost ${env.namespace}/${name}`),
        { intervalMs: 100 },
      );
      // ...so the inventory does not know the host, and a delete loses nothing.
      expect(await hosts.getByName(env.namespace, name)).toBeUndefined();
      await remove(PHYSICAL_HOST.plural, name);
      await goneSoon(PHYSICAL_HOST.plural, name);
      expect(await hosts.getByName(env.namespace, name)).toBeUndefined();
    } finally {
      await lift();
    }
  });

  it('requests no machine whose Beskar7Machine does not carry the finalizer yet, so that no delete can skip its release', async () => {
    const name = 'm-unfinalized';
    const spec = { hostSelector: { pool: 'unfinalized-machine' } };
    const lift = await refuseOurFinalizer(
      BESKAR7_MACHINE.plural,
      machineBody(name, spec),
    );
    try {
      const lines: string[] = [];
      replica({ logger: capturingLogger(lines) });
      await createHost('h-for-unfinalized', 'unfinalized-machine');
      await createMachine(name, spec);
      await eventually(
        async () => lines.filter(l => l.startsWith('warn ')).join('\n'),
        logged => logged.includes(`Beskar7Machine ${env.namespace}/${name}`),
        { intervalMs: 100 },
      );
      // Never requested, so no host was claimed for it...
      expect(await machines.getByName(env.namespace, name)).toBeUndefined();
      expect(
        (await hosts.getByName(env.namespace, 'h-for-unfinalized'))?.consumerId,
      ).toBeUndefined();
      // ...and a delete leaves nothing behind.
      await remove(BESKAR7_MACHINE.plural, name);
      await goneSoon(BESKAR7_MACHINE.plural, name);
      expect(await machines.getByName(env.namespace, name)).toBeUndefined();
    } finally {
      await lift();
    }
  });

  it('removes a host whose PhysicalHost was force-deleted while in use once it is released, never claiming it meanwhile, whichever replica leads', async () => {
    let leader: 'first' | 'none' | 'second' = 'first';
    replica({ active: () => leader === 'first' });
    replica({ active: () => leader === 'second' });
    await createHost('h-forced', 'forced');
    await createMachine('m-forced', { hostSelector: { pool: 'forced' } });
    await machinePhase('m-forced', 'Claimed');

    // Deleted, then its finalizer dropped by hand: the object is gone at once.
    await deleteHostInUse('h-forced');
    await dropFinalizers(PHYSICAL_HOST.plural, 'h-forced');
    expect(await hosts.getByName(env.namespace, 'h-forced')).toBeDefined();

    // Released: the host leaves, and the machine waiting for the pool never gets it.
    await createMachine('m-forced-waiting', {
      hostSelector: { pool: 'forced' },
    });
    await remove(BESKAR7_MACHINE.plural, 'm-forced');
    await inventoryHost('h-forced', h => h === undefined);
    expect(
      (await machines.getByName(env.namespace, 'm-forced-waiting'))?.phase,
    ).toBe('Pending');

    // The same while no replica leads: the next leader removes it.
    await createHost('h-forced-2', 'forced-2');
    await createMachine('m-forced-2', { hostSelector: { pool: 'forced-2' } });
    await machinePhase('m-forced-2', 'Claimed');
    await deleteHostInUse('h-forced-2');
    await dropFinalizers(PHYSICAL_HOST.plural, 'h-forced-2');
    // The release ends while no replica leads; then the second one leads.
    const host = await hosts.getByName(env.namespace, 'h-forced-2');
    leader = 'none';
    await new MachineService(machines, claims).release(host!.consumerId!);
    await inventoryHost('h-forced-2', h => h?.consumerId === undefined);
    await new Promise(r => setTimeout(r, 500));
    expect(await hosts.getByName(env.namespace, 'h-forced-2')).toBeDefined();
    leader = 'second';
    await inventoryHost('h-forced-2', h => h === undefined);
  });

  it('lets a BMC Secret go once the last PhysicalHost using it has gone, though another controller held that host after ours let go', async () => {
    const namespace = await namespaceWithBmcSecret('creds');
    replica({ namespace });
    const at = ref(PHYSICAL_HOST.plural, namespace);
    const held = 'example.com/held';
    await custom.createNamespacedCustomObject({
      ...at,
      body: {
        ...hostBody('h-held', 'creds'),
        metadata: { name: 'h-held', finalizers: [held] },
      },
    });
    await custom.createNamespacedCustomObject({
      ...at,
      body: hostBody('h-plain', 'creds'),
    });
    const secretFinalizers = () =>
      core
        .readNamespacedSecret({ namespace, name: 'bmc' })
        .then(s => s.metadata?.finalizers ?? []);
    await eventually(secretFinalizers, f => f.includes(CREDENTIALS_FINALIZER), {
      intervalMs: 100,
    });

    // h-held stays, deleting, once ours is off; h-plain goes meanwhile and
    // sees it still there.
    await custom.deleteNamespacedCustomObject({ ...at, name: 'h-held' });
    await eventually(
      () => get(PHYSICAL_HOST.plural, 'h-held', namespace),
      o => !o.metadata.finalizers.includes(FINALIZER),
      { intervalMs: 100 },
    );
    await custom.deleteNamespacedCustomObject({ ...at, name: 'h-plain' });
    await goneSoon(PHYSICAL_HOST.plural, 'h-plain', namespace);
    expect(await secretFinalizers()).toContain(CREDENTIALS_FINALIZER);

    await custom.patchNamespacedCustomObject({
      ...at,
      name: 'h-held',
      body: [{ op: 'remove', path: '/metadata/finalizers' }],
    });
    await eventually(
      secretFinalizers,
      f => !f.includes(CREDENTIALS_FINALIZER),
      { what: 'the Secret to be let go', timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(await hosts.list({ namespace })).toEqual([]);
  });

  // Namespace deletion needs kube-controller-manager (scripts/kube-cluster.sh starts it where it can).
  const withNamespaceController = namespaceControllerRunning() ? it : it.skip;
  withNamespaceController(
    'deletes a namespace with hosts and machines in use on its own: each host released with credentials it may still read, then the namespace goes',
    async () => {
      const identity = await shippedBackendIdentity(
        env.kubeConfig,
        env.namespace,
      );
      await ensureShippedClusterRole(env.kubeConfig, 'beskar7-bmc-secrets');
      const namespace = await namespaceWithBmcSecret('doomed');
      await env.kubeConfig
        .makeApiClient(RbacAuthorizationV1Api)
        .createNamespacedRoleBinding({
          namespace,
          body: {
            metadata: { name: 'beskar7-bmc-secrets' },
            roleRef: {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'ClusterRole',
              name: 'beskar7-bmc-secrets',
            },
            subjects: [
              {
                kind: 'ServiceAccount',
                name: identity.serviceAccount,
                namespace: env.namespace,
              },
            ],
          },
        });
      releaseCredentials = new SecretCredentialResolver(identity.kubeConfig);
      replica({ kubeConfig: identity.kubeConfig, namespace });
      const at = ref('', namespace);
      for (const i of [1, 2]) {
        await custom.createNamespacedCustomObject({
          ...at,
          plural: PHYSICAL_HOST.plural,
          body: {
            apiVersion: API_VERSION,
            kind: PHYSICAL_HOST.kind,
            metadata: { name: `h-${i}` },
            spec: {
              redfishConnection: {
                address: `https://bmc-doomed-${i}.example`,
                credentialsSecretRef: 'bmc',
              },
              pool: 'doomed',
            },
          },
        });
        await custom.createNamespacedCustomObject({
          ...at,
          plural: BESKAR7_MACHINE.plural,
          body: {
            apiVersion: API_VERSION,
            kind: BESKAR7_MACHINE.kind,
            metadata: { name: `m-${i}` },
            spec: {
              imageURL: 'https://images.example/flatcar.iso',
              osFamily: 'flatcar',
              provisioningMode: 'PXE',
              hostSelector: { pool: 'doomed' },
            },
          },
        });
      }
      await eventually(
        () => machines.list({ namespace }),
        list => list.filter(m => m.phase === 'Claimed').length === 2,
        { intervalMs: 100 },
      );
      // The backend keeps what the releases will need.
      const secret = await eventually(
        () => core.readNamespacedSecret({ namespace, name: 'bmc' }),
        s => Boolean(s.metadata?.finalizers?.includes(CREDENTIALS_FINALIZER)),
        { intervalMs: 100 },
      );
      expect(secret.metadata?.finalizers).toContain(CREDENTIALS_FINALIZER);

      await core.deleteNamespace({ name: namespace });
      // kube-controller-manager's namespace controller retries a namespace
      // whose content remains with a backoff of up to a minute, so the
      // namespace can go a minute after the last finalizer does. What still
      // holds it is the last read, should it not go.
      await eventually(
        () =>
          core.readNamespace({ name: namespace }).then(
            ns =>
              (ns.status?.conditions ?? [])
                .filter(c => c.status === 'True')
                .map(c => `${c.type}: ${c.message}`),
            error => (statusCodeOf(error) === 404 ? 'gone' : String(error)),
          ),
        remaining => remaining === 'gone',
        {
          what: `namespace ${namespace} to be deleted`,
          timeoutMs: 180_000,
          intervalMs: 500,
        },
      );
      expect(credentialFailures).toEqual([]);
      expect(await hosts.list({ namespace })).toEqual([]);
      expect((await machines.list({ namespace })).map(m => m.phase)).toEqual([
        'Released',
        'Released',
      ]);
    },
    240_000,
  );

  it('refuses a second PhysicalHost for a server already registered, naming the first, and never claims it', async () => {
    replica();
    await createHost('h-original', 'duplicate');
    await inventoryHost('h-original', h => h?.state === 'Available');
    // The same BMC written another way: host case, default port, trailing
    // slash.
    await custom.createNamespacedCustomObject({
      ...ref(PHYSICAL_HOST.plural),
      body: {
        apiVersion: API_VERSION,
        kind: PHYSICAL_HOST.kind,
        metadata: { name: 'h-copy' },
        spec: {
          redfishConnection: {
            address: 'https://BMC-H-ORIGINAL.example:443/',
            credentialsSecretRef: 'bmc',
          },
          pool: 'duplicate',
        },
      },
    });
    const copy = await eventually(
      () => get(PHYSICAL_HOST.plural, 'h-copy'),
      h =>
        (h.status?.conditions ?? []).some(
          (c: { type: string }) => c.type === 'Accepted',
        ),
      { intervalMs: 100 },
    );
    expect(copy.status.conditions).toContainEqual(
      expect.objectContaining({
        type: 'Accepted',
        status: 'False',
        reason: 'SpecConflict',
        message: expect.stringContaining(`${env.namespace}/h-original`),
      }),
    );
    expect(await hosts.getByName(env.namespace, 'h-copy')).toBeUndefined();
  });

  it('claims hosts of the machine’s own namespace only, unless cross-namespace claims are configured', async () => {
    // A host of another namespace, with no PhysicalHost at all.
    const elsewhere = `${env.namespace}-other`;
    const host = await new InventoryService({ knex, claims }).registerHost({
      name: 'h-elsewhere',
      namespace: elsewhere,
      pool: 'shared',
      labels: {},
      tags: [],
      bmc: {
        address: 'https://bmc-elsewhere.example',
        credentialsRef: 'x',
        insecureSkipVerify: false,
      },
    });
    replica();
    await createMachine('m-own-ns', { hostSelector: { pool: 'shared' } });
    await eventually(
      () => machines.getByName(env.namespace, 'm-own-ns'),
      m => m !== undefined,
      { intervalMs: 100 },
    );
    await eventually(
      () => hosts.get(host.id),
      h => h?.state === 'Available',
      { intervalMs: 100 },
    );
    await new Promise(r => setTimeout(r, 1_000));
    expect(await hosts.get(host.id)).toMatchObject({ state: 'Available' });
    expect((await machines.getByName(env.namespace, 'm-own-ns'))?.phase).toBe(
      'Pending',
    );
    await remove(BESKAR7_MACHINE.plural, 'm-own-ns');
    await goneSoon(BESKAR7_MACHINE.plural, 'm-own-ns');
    await Promise.all(replicas.splice(0).map(r => r.stop()));

    // The operator's explicit opt-in: shared pools across namespaces.
    replica({ crossNamespaceClaims: true });
    await createMachine('m-shared', { hostSelector: { pool: 'shared' } });
    const claimed = await machinePhase('m-shared', 'Claimed');
    expect(claimed.status.hostRef).toEqual({
      name: 'h-elsewhere',
      namespace: elsewhere,
    });
  });

  it('applies every YAML example of docs/kubernetes.md verbatim into a fresh namespace: the backend may read its Secret, the host reaches Available', async () => {
    replica();
    const blocks = [
      ...readFileSync(DOCS, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g),
    ].map(m => m[1]);
    const objects = blocks
      .flatMap(block => parseAllDocuments(block).map(d => d.toJS()))
      .filter(o => o?.kind && o?.metadata);
    expect(objects.map(o => o.kind)).toEqual(
      expect.arrayContaining([
        'RoleBinding',
        'Secret',
        'PhysicalHost',
        'Beskar7Machine',
      ]),
    );
    const rbac = env.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    // The docs' RoleBinding binds the ClusterRole deploy/backend installs.
    await ensureShippedClusterRole(env.kubeConfig, 'beskar7-bmc-secrets');
    for (const obj of objects) {
      // Applied to this run's namespace rather than the docs' one.
      const namespace = env.namespace;
      const body = { ...obj, metadata: { ...obj.metadata, namespace } };
      if (obj.kind === 'Secret') {
        await core.createNamespacedSecret({ namespace, body });
      } else if (obj.kind === 'RoleBinding') {
        await rbac.createNamespacedRoleBinding({ namespace, body });
      } else {
        const plural =
          obj.kind === PHYSICAL_HOST.kind
            ? PHYSICAL_HOST.plural
            : BESKAR7_MACHINE.plural;
        await custom.createNamespacedCustomObject({ ...ref(plural), body });
      }
    }
    // The binding lets deploy/backend's ServiceAccount read the Secret.
    const binding = objects.find(o => o.kind === 'RoleBinding');
    const subject = binding.subjects[0];
    const secret = objects.find(o => o.kind === 'Secret');
    const authz = env.kubeConfig.makeApiClient(AuthorizationV1Api);
    await eventually(
      () =>
        authz.createSubjectAccessReview({
          body: {
            spec: {
              user: `system:serviceaccount:${subject.namespace}:${subject.name}`,
              groups: ['system:serviceaccounts'],
              resourceAttributes: {
                verb: 'get',
                resource: 'secrets',
                name: secret.metadata.name,
                namespace: env.namespace,
              },
            },
          },
        }),
      review => review.status?.allowed === true,
      {
        what: 'the docs RoleBinding to allow reading the Secret',
        intervalMs: 100,
      },
    );
    // The backend takes them in: the host is registered, the machine requested.
    for (const obj of objects.filter(o =>
      [PHYSICAL_HOST.kind, BESKAR7_MACHINE.kind].includes(o.kind),
    )) {
      const plural =
        obj.kind === PHYSICAL_HOST.kind
          ? PHYSICAL_HOST.plural
          : BESKAR7_MACHINE.plural;
      // Taken in and not refused. A refusal may come first and go (a Secret
      // read racing the RoleBinding's propagation): the last word counts.
      await eventually(
        () => get(plural, obj.metadata.name),
        o =>
          o.metadata.finalizers?.includes(FINALIZER) &&
          o.status?.conditions?.find((c: any) => c.type === 'Accepted')
            ?.status !== 'False',
        {
          what: `${obj.kind} ${obj.metadata.name} taken in and not refused`,
          intervalMs: 100,
          timeoutMs: 30_000,
        },
      );
    }
    const host = objects.find(o => o.kind === PHYSICAL_HOST.kind);
    await eventually(
      () => get(PHYSICAL_HOST.plural, host.metadata.name),
      h => ['Available', 'Claimed'].includes(h.status?.state),
      { intervalMs: 100 },
    );
  });
});
