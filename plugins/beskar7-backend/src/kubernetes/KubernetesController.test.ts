import { mockServices } from '@backstage/backend-test-utils';
import { LoggerService } from '@backstage/backend-plugin-api';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import {
  createKubeTestEnvironment,
  kubeTargets,
  KubeTestEnvironment,
  MemoryBackend,
  REAL_CLUSTER_ENV,
  REAL_CLUSTER_SKIPPED,
} from '@beskar7/backend-testing/kubernetes';
import { KubernetesController } from './KubernetesController';
import { BESKAR7_MACHINE, GROUP, PHYSICAL_HOST, VERSION } from './types';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';

// A hang guard, not a measure: on a loaded CI machine a watch cycle takes seconds.
jest.setTimeout(90_000);

describe.each(kubeTargets())('KubernetesController (%s)', target => {
  let env: KubeTestEnvironment;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;
  beforeAll(async () => {
    env = await createKubeTestEnvironment(target);
    custom = env.kubeConfig.makeApiClient(CustomObjectsApi);
    core = env.kubeConfig.makeApiClient(CoreV1Api);
  });
  afterAll(() => env?.stop());

  const onServer = target === 'test server' ? it : it.skip;
  const controllers: KubernetesController[] = [];
  afterEach(async () => {
    await Promise.all(controllers.splice(0).map(c => c.stop()));
  });

  function startController(
    backend: MemoryBackend,
    options: { isActive?: () => boolean; logger?: LoggerService } = {},
  ) {
    const controller = new KubernetesController({
      kubeConfig: env.kubeConfig,
      inventory: backend,
      machines: backend,
      status: backend,
      logger: options.logger ?? mockServices.logger.mock(),
      instance: 'test-replica',
      namespace: env.namespace,
      resyncIntervalMs: 200,
      backoff: { initialMs: 20, maxMs: 200 },
      isActive: options.isActive,
    });
    controllers.push(controller);
    controller.start();
    return controller;
  }

  const ref = (plural: string, name?: string) => ({
    group: GROUP,
    version: VERSION,
    plural,
    namespace: env.namespace,
    ...(name && { name }),
  });
  const createHost = (name: string, pool = 'rack-a') =>
    custom.createNamespacedCustomObject({
      ...ref(PHYSICAL_HOST.plural),
      body: {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: PHYSICAL_HOST.kind,
        metadata: { name, labels: { rack: 'a' } },
        spec: {
          redfishConnection: {
            address: `https://${name}.bmc.example`,
            credentialsSecretRef: `${name}-bmc`,
          },
          pool,
          tags: ['gpu'],
        },
      },
    });
  const createMachine = (name: string) =>
    custom.createNamespacedCustomObject({
      ...ref(BESKAR7_MACHINE.plural),
      body: {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: BESKAR7_MACHINE.kind,
        metadata: { name },
        spec: {
          imageURL: 'https://images.example/flatcar.iso',
          osFamily: 'flatcar',
          provisioningMode: 'PXE',
          hostSelector: { pool: 'rack-a', matchLabels: { rack: 'a' } },
          hardwareRequirements: { minCPUCores: 8 },
        },
      },
    });
  const get = (plural: string, name: string): Promise<any> =>
    custom.getNamespacedCustomObject(ref(plural, name) as any);
  const remove = (plural: string, name: string) =>
    custom.deleteNamespacedCustomObject(ref(plural, name) as any);
  const eventReasons = async (name: string) =>
    (await core.listNamespacedEvent({ namespace: env.namespace })).items
      .filter(e => e.involvedObject.name === name)
      .map(e => e.reason);

  it('mirrors hosts, requests machines, and writes claims back as status, consumerRef and Events', async () => {
    const backend = new MemoryBackend();
    await createHost('node-1');
    const controller = startController(backend);
    await controller.whenSynced();

    const key = `${env.namespace}/node-1`;
    await eventually(
      () => backend.hosts.get(key),
      h => h !== undefined,
    );
    expect(backend.hosts.get(key)).toMatchObject({
      pool: 'rack-a',
      labels: { rack: 'a' },
      tags: ['gpu'],
      bmc: {
        address: 'https://node-1.bmc.example',
        credentialsRef: `k8s-secret:${env.namespace}/node-1-bmc`,
        insecureSkipVerify: false,
      },
    });
    await eventually(
      () => get(PHYSICAL_HOST.plural, 'node-1'),
      h => h.status?.state === 'Enrolling',
    );
    backend.hosts.get(key)!.state = 'Available';
    await controller.publishHost(env.namespace, 'node-1');
    expect((await get(PHYSICAL_HOST.plural, 'node-1')).status).toMatchObject({
      state: 'Available',
      ready: true,
    });

    await createMachine('worker-0');
    const machineKey = `${env.namespace}/worker-0`;
    await eventually(
      () => get(BESKAR7_MACHINE.plural, 'worker-0'),
      m => m.spec.providerID === `b7://${env.namespace}/worker-0`,
    );
    expect(backend.machines.get(machineKey)).toMatchObject({
      osFamily: 'flatcar',
      provisioningMode: 'PXE',
      bootMode: 'UEFI',
      requirements: {
        pool: 'rack-a',
        selector: { matchLabels: { rack: 'a' } },
        minCpuCores: 8,
      },
    });
    await eventually(
      () => get(BESKAR7_MACHINE.plural, 'worker-0'),
      m => m.status?.phase === 'Pending',
    );

    backend.claim(machineKey, key);
    await controller.publishMachine(env.namespace, 'worker-0');
    const claimed = await get(BESKAR7_MACHINE.plural, 'worker-0');
    expect(claimed.status).toMatchObject({
      phase: 'Claimed',
      ready: false,
      hostRef: { name: 'node-1', namespace: env.namespace },
    });
    expect(
      (await get(PHYSICAL_HOST.plural, 'node-1')).spec.consumerRef,
    ).toEqual({
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'Beskar7Machine',
      name: 'worker-0',
      namespace: env.namespace,
      uid: claimed.metadata.uid,
    });
    expect(await eventReasons('worker-0')).toContain('HostClaimed');

    await controller.recordClaimConflict(
      env.namespace,
      'worker-0',
      'node-2 was claimed by another machine first',
    );
    expect(await eventReasons('worker-0')).toContain('ClaimConflict');

    // A host that a machine holds stays in the inventory when its object goes.
    await remove(PHYSICAL_HOST.plural, 'node-1');
    await eventually(
      () => eventReasons('node-1'),
      reasons => reasons.includes('HostInUse'),
    );
    expect(backend.hosts.has(key)).toBe(true);

    backend.setPhase(machineKey, 'Failed', 'virtual media did not mount');
    await controller.publishMachine(env.namespace, 'worker-0');
    expect(
      (await get(BESKAR7_MACHINE.plural, 'worker-0')).status,
    ).toMatchObject({
      phase: 'Failed',
      failureReason: 'ProvisioningFailed',
      failureMessage: 'virtual media did not mount',
    });
    expect(await eventReasons('worker-0')).toContain('ProvisioningFailed');

    // Deleting the machine releases its host.
    await remove(BESKAR7_MACHINE.plural, 'worker-0');
    await eventually(
      () => backend.machines.get(machineKey)!.phase,
      phase => phase === 'Released',
    );
    // Free, or already gone: its PhysicalHost was deleted, so the sweep may
    // have taken it out of the inventory (operatorScenarios tests that part).
    expect(backend.hosts.get(key)?.consumerId).toBeUndefined();
    expect(controller.health()).toMatchObject({ status: 'ok' });
  });

  it('clears consumerRef once the host is released', async () => {
    const backend = new MemoryBackend();
    await createHost('node-r');
    await createMachine('worker-r');
    const controller = startController(backend);
    await controller.whenSynced();
    const hostKey = `${env.namespace}/node-r`;
    const machineKey = `${env.namespace}/worker-r`;
    await eventually(
      () => backend.machines.has(machineKey) && backend.hosts.has(hostKey),
      Boolean,
    );
    backend.claim(machineKey, hostKey);
    await controller.publishMachine(env.namespace, 'worker-r');
    expect(
      (await get(PHYSICAL_HOST.plural, 'node-r')).spec.consumerRef,
    ).toBeDefined();
    await backend.releaseMachine(env.namespace, 'worker-r');
    await controller.publishHost(env.namespace, 'node-r');
    const host = await get(PHYSICAL_HOST.plural, 'node-r');
    expect(host.spec.consumerRef).toBeUndefined();
    expect(host.status.state).toBe('Available');
  });

  onServer(
    'asks the API server nothing for objects whose cached status is current',
    async () => {
      const backend = new MemoryBackend();
      await createHost('node-q');
      await createMachine('worker-q');
      const controller = startController(backend);
      await controller.whenSynced();
      const hostKey = `${env.namespace}/node-q`;
      const machineKey = `${env.namespace}/worker-q`;
      await eventually(
        () => backend.machines.has(machineKey) && backend.hosts.has(hostKey),
        Boolean,
      );
      backend.claim(machineKey, hostKey);
      await controller.publishMachine(env.namespace, 'worker-q');
      await controller.publishHost(env.namespace, 'node-q');
      // Once the watch has brought the writes back, publishing again (as
      // every resync does) costs no request for either object.
      const requestsFor = () =>
        env.server!.requests.filter(r => /\/(node-q|worker-q)(\/|$)/.test(r))
          .length;
      await eventually(
        async () => {
          const before = requestsFor();
          await controller.publishMachine(env.namespace, 'worker-q');
          await controller.publishHost(env.namespace, 'node-q');
          return requestsFor() - before;
        },
        requests => requests === 0,
      );
      // A change is still written.
      backend.setPhase(machineKey, 'Provisioned');
      await controller.publishMachine(env.namespace, 'worker-q');
      expect((await get(BESKAR7_MACHINE.plural, 'worker-q')).status.phase).toBe(
        'Provisioned',
      );
    },
  );

  it('leaves everything alone while another replica is the active one', async () => {
    const backend = new MemoryBackend();
    let active = false;
    await createHost('node-p');
    const controller = startController(backend, { isActive: () => active });
    await controller.whenSynced();
    await new Promise(r => setTimeout(r, 300)); // a resync passes
    expect(backend.calls).toEqual([]);
    expect((await get(PHYSICAL_HOST.plural, 'node-p')).status).toBeUndefined();

    active = true;
    controller.resync();
    await eventually(
      () => get(PHYSICAL_HOST.plural, 'node-p'),
      h => h.status?.state === 'Enrolling',
    );
    expect(backend.calls).toContain(`upsertHost ${env.namespace}/node-p`);
  });

  onServer(
    'retries a status write that lost a race, from a fresh read',
    async () => {
      const backend = new MemoryBackend();
      await createHost('node-c');
      const controller = startController(backend);
      await controller.whenSynced();
      await eventually(
        () => get(PHYSICAL_HOST.plural, 'node-c'),
        h => h.status?.state === 'Enrolling',
      );
      backend.hosts.get(`${env.namespace}/node-c`)!.state = 'Available';
      // Another client labels the object between our read and our write.
      env.server!.onNextUpdate(obj => ({
        ...obj,
        metadata: { ...obj.metadata, labels: { rack: 'a', other: 'writer' } },
      }));
      const conflicts = env.server!.conflicts;
      await controller.publishHost(env.namespace, 'node-c');
      // At least ours: a resync may have raced for the same object too.
      expect(env.server!.conflicts).toBeGreaterThanOrEqual(conflicts + 1);
      const host = await get(PHYSICAL_HOST.plural, 'node-c');
      expect(host.status.state).toBe('Available');
      expect(host.metadata.labels.other).toBe('writer');
    },
  );

  onServer(
    'relists after a dropped watch whose history is gone (410), catching up on adds and deletes',
    async () => {
      const backend = new MemoryBackend();
      await createHost('node-g1');
      const logger = mockServices.logger.mock();
      const controller = startController(backend, { logger });
      await controller.whenSynced();
      await eventually(
        () => backend.hosts.has(`${env.namespace}/node-g1`),
        Boolean,
      );

      // The watch breaks and cannot come back for a while; meanwhile one host
      // comes, one goes, and the history is compacted.
      env.server!.failNext(Infinity, 503, { match: (_m, _p, watch) => watch });
      env.server!.dropWatches();
      await createHost('node-g2', 'rack-b');
      await remove(PHYSICAL_HOST.plural, 'node-g1');
      env.server!.compact();
      env.server!.clearFaults();

      await eventually(
        () => backend.hosts.get(`${env.namespace}/node-g2`)?.pool,
        pool => pool === 'rack-b',
      );
      await eventually(
        () => backend.hosts.has(`${env.namespace}/node-g1`),
        present => !present,
      );
      expect(logger.info).toHaveBeenCalledWith(
        expect.stringContaining('(410); relisting'),
      );
      await eventually(
        () => controller.health().status,
        s => s === 'ok',
      );
    },
  );

  onServer(
    'backs off on 429 and while the API server is away, says so in its health, and recovers',
    async () => {
      const backend = new MemoryBackend();
      env.server!.failNext(3, 429, {
        retryAfterSeconds: 0,
        match: (method, path) =>
          method === 'GET' && path.endsWith(`/${PHYSICAL_HOST.plural}`),
      });
      const controller = startController(backend);
      await controller.whenSynced();
      expect(controller.health().informers[0]).toMatchObject({
        connected: true,
        lastError: expect.stringContaining('429'),
      });

      await env.server!.pause();
      await eventually(
        () => controller.health(),
        h => h.status === 'degraded',
      );
      expect(controller.health().informers.every(i => !i.connected)).toBe(true);
      // The inventory is still there and still serves, Kubernetes or not.
      await expect(
        backend.host(env.namespace, 'node-c'),
      ).resolves.toBeDefined();

      await env.server!.resume();
      await createHost('node-late');
      await eventually(
        () => backend.hosts.has(`${env.namespace}/node-late`),
        Boolean,
      );
      await eventually(
        () => controller.health().status,
        s => s === 'ok',
      );
    },
  );
});

if (!process.env[REAL_CLUSTER_ENV]) {
  it.skip(`${REAL_CLUSTER_SKIPPED}`, () => {});
}
