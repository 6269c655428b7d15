import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { Knex } from 'knex';
import { Registry } from 'prom-client';
import { OptimisticClaimCoordinator } from '../claims/OptimisticClaimCoordinator';
import { HostStore } from '../database/HostStore';
import { MachineStore } from '../database/MachineStore';
import { applyDatabaseMigrations } from '../database/migrations';
import { createBeskar7Metrics } from '../metrics';
import { createQueueMetrics, QueueMetrics } from '../metrics/queueMetrics';
import { ProvisioningQueue } from '../queue/ProvisioningQueue';
import {
  insertHosts,
  testProvisioningConfig,
} from '@beskar7/backend-testing/queue';
import {
  createTestDatabases,
  DATABASE_IDS,
} from '@beskar7/backend-testing/database';
import { applyHostTransition } from './applyHostTransition';
import { InvalidTransitionError } from './errors';
import { HostOperationHandler } from './HostOperationHandler';
import { HostReconciler } from './HostReconciler';
import { MachineReconciler } from './MachineReconciler';
import { Reconcilers } from './Reconcilers';
import { FakeHostExecutor } from '@beskar7/backend-testing/lifecycle';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(DATABASE_IDS)('host lifecycle on %s', databaseId => {
  let knex: Knex;
  let hosts: HostStore;
  let machines: MachineStore;
  let metrics: QueueMetrics;
  let registry: Registry;
  let running:
    | { queue: ProvisioningQueue; reconcilers: Reconcilers }
    | undefined;

  beforeEach(async () => {
    knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    hosts = new HostStore(knex);
    machines = new MachineStore(knex);
    registry = new Registry();
    metrics = createQueueMetrics(registry);
  });

  afterEach(async () => {
    await running?.reconcilers.stop();
    await running?.queue.stop();
    running = undefined;
  });

  /** Queue, handler, claim engine and both reconcilers of one replica. */
  function startReplica(executor: FakeHostExecutor, overrides = {}) {
    const logger = mockServices.logger.mock();
    const config = testProvisioningConfig({
      maxConcurrentOps: 5,
      workerCount: 5,
      bmcCooldownMs: 10,
      ...overrides,
    });
    const claims = new OptimisticClaimCoordinator({
      knex,
      metrics: createBeskar7Metrics(new Registry()),
    });
    const queue = new ProvisioningQueue({
      knex,
      config,
      logger,
      metrics,
      handler: new HostOperationHandler({ knex, executor, logger, metrics }),
    });
    const hostReconciler = new HostReconciler({
      knex,
      queue,
      config,
      logger,
      metrics,
    });
    const reconcilers = new Reconcilers({
      hosts: hostReconciler,
      machines: new MachineReconciler({ knex, queue, claims, logger }),
      queue,
      logger,
      intervalMs: config.reconcileIntervalMs,
    });
    queue.start();
    void reconcilers.start();
    running = { queue, reconcilers };
    return { queue, reconcilers, claims, hostReconciler };
  }

  function createMachine(name: string) {
    return machines.create({
      name,
      namespace: 'default',
      requirements: {},
      imageUrl: 'https://images.test/kairos.iso',
      osFamily: 'kairos',
      provisioningMode: 'PreBakedISO',
      bootMode: 'UEFI',
    });
  }

  const statesOf = async () =>
    (await hosts.list())
      .map(h => h.state)
      .sort()
      .join(',');

  it('applies a transition with a version check and records it', async () => {
    const [host] = await insertHosts(knex, { count: 1, state: 'Enrolling' });
    await expect(
      applyHostTransition(knex, {
        hostId: host.id,
        to: 'Claimed',
        reason: 'x',
      }),
    ).rejects.toThrow(InvalidTransitionError);
    await expect(
      applyHostTransition(knex, {
        hostId: host.id,
        to: 'Available',
        reason: 'Inspected',
        inventoryRead: true,
        expectedVersion: 7,
      }),
    ).rejects.toThrow(ConflictError);
    const applied = await applyHostTransition(
      knex,
      {
        hostId: host.id,
        to: 'Available',
        reason: 'Inspected',
        inventoryRead: true,
        expectedVersion: 0,
      },
      metrics,
    );
    expect(applied).toEqual({
      hostId: host.id,
      from: 'Enrolling',
      to: 'Available',
      version: 1,
    });
    expect(await hosts.listEvents(host.id)).toEqual([
      expect.objectContaining({
        fromState: 'Enrolling',
        toState: 'Available',
        reason: 'Inspected',
      }),
    ]);
    expect(
      await registry.getSingleMetricAsString(
        'beskar7_host_state_transitions_total',
      ),
    ).toContain(
      'beskar7_host_state_transitions_total{from="Enrolling",to="Available"} 1',
    );
  });

  it('provisions 50 machine requests and returns every host to Available on release', async () => {
    const executor = new FakeHostExecutor(10);
    await insertHosts(knex, { count: 50 });
    const { claims, reconcilers } = startReplica(executor);
    const created = await Promise.all(
      Array.from({ length: 50 }, (_, i) => createMachine(`m-${i}`)),
    );
    await Promise.all(created.map(m => reconcilers.notifyMachine(m.id)));
    await eventually(
      async () => (await machines.list({ phase: 'Provisioned' })).length,
      provisioned => provisioned === 50,
      { what: '50 Provisioned machines', timeoutMs: 30_000 },
    );
    expect(await statesOf()).toBe(Array(50).fill('Provisioned').join(','));

    for (const m of created) await claims.release(m.id);
    await eventually(
      async () => (await machines.list({ phase: 'Released' })).length,
      released => released === 50,
      { what: '50 Released machines', timeoutMs: 30_000 },
    );
    expect(await statesOf()).toBe(Array(50).fill('Available').join(','));
    const host = (await hosts.list())[0];
    expect(
      (await hosts.listEvents(host.id)).map(
        e => `${e.fromState}->${e.toState}`,
      ),
    ).toEqual([
      'Available->Claimed',
      'Claimed->Provisioning',
      'Provisioning->Provisioned',
      'Provisioned->Deprovisioning',
      'Deprovisioning->Available',
    ]);
    const completions = executor.recorder.completions();
    expect(completions.size).toBe(100);
    expect([...completions.values()].every(n => n === 1)).toBe(true);
  });

  it('retries a failing BMC, then Error with a readable reason; recovery cleans the host up and brings it back', async () => {
    const executor = new FakeHostExecutor(5);
    const [host] = await insertHosts(knex, { count: 1 });
    executor.failHost(host.id, 'BMC answered 500 Internal Server Error');
    const { reconcilers, hostReconciler } = startReplica(executor);
    const machine = await createMachine('m-fail');
    await reconcilers.notifyMachine(machine.id);

    await eventually(
      async () => (await hosts.get(host.id))?.state,
      state => state === 'Error',
      {
        what: 'the host to go to Error once its retries are spent',
        timeoutMs: 20_000,
      },
    );
    expect(await hosts.get(host.id)).toMatchObject({
      errorMessage:
        'provision failed after 3 attempts: BMC answered 500 Internal Server Error',
      consumerId: machine.id,
    });
    expect(await machines.get(machine.id)).toMatchObject({
      phase: 'Failed',
      failureReason:
        'provision failed after 3 attempts: BMC answered 500 Internal Server Error',
    });

    executor.heal(host.id);
    await hostReconciler.recover(host.id, 'BMC firmware updated');
    await eventually(
      async () => (await hosts.get(host.id))?.state,
      state => state === 'Available',
      { what: 'the recovered host to be Available', timeoutMs: 20_000 },
    );
    expect(await hosts.get(host.id)).toMatchObject({
      consumerId: undefined,
      errorMessage: undefined,
    });
    expect((await machines.get(machine.id))?.hostId).toBeUndefined();
    // A failed provisioning may have left media and power behind: recovery
    // runs the release's cleanup, not a new inspection.
    expect(
      (await hosts.listEvents(host.id)).map(e => e.toState).slice(-3),
    ).toEqual(['Error', 'Deprovisioning', 'Available']);
  });

  it('strands no host when its machine is released mid-provisioning', async () => {
    const executor = new FakeHostExecutor(300);
    const [host] = await insertHosts(knex, { count: 1 });
    const { reconcilers, claims } = startReplica(executor);
    const machine = await createMachine('m-gone');
    await reconcilers.notifyMachine(machine.id);
    // Polled fast: the release must come while the 300 ms operation runs.
    await eventually(
      () => executor.recorder.inFlight,
      inFlight => inFlight === 1,
      { what: 'provisioning to start', timeoutMs: 10_000, intervalMs: 20 },
    );
    expect((await hosts.get(host.id))?.state).toBe('Provisioning');

    await claims.release(machine.id);
    await reconcilers.notifyMachine(machine.id);
    await eventually(
      async () => (await machines.get(machine.id))?.phase,
      phase => phase === 'Released',
      {
        what: 'the machine released mid-provisioning to be Released',
        timeoutMs: 20_000,
      },
    );
    expect(await hosts.get(host.id)).toMatchObject({
      state: 'Available',
      consumerId: undefined,
    });
    expect((await hosts.listEvents(host.id)).map(e => e.toState)).toEqual([
      'Claimed',
      'Provisioning',
      'Deprovisioning',
      'Available',
    ]);
  });

  it('inspects an enrolling host and fails one stuck in a transient state', async () => {
    const executor = new FakeHostExecutor(5);
    const [enrolling] = await insertHosts(knex, {
      count: 1,
      state: 'Enrolling',
      prefix: 'e',
    });
    const [stuck] = await insertHosts(knex, {
      count: 1,
      state: 'Provisioning',
      prefix: 's',
    });
    await knex('beskar7_hosts')
      .where({ id: stuck.id })
      .update({ updated_at: new Date(Date.now() - 3_600_000) });
    startReplica(executor, { stuckStateTimeoutMs: 60_000 });

    await eventually(
      async () => (await hosts.get(enrolling.id))?.state,
      state => state === 'Available',
      { what: 'the enrolling host to be inspected', timeoutMs: 20_000 },
    );
    await eventually(
      async () => (await hosts.get(stuck.id))?.state,
      state => state === 'Error',
      {
        what: 'the host stuck in Provisioning to go to Error',
        timeoutMs: 20_000,
      },
    );
    expect((await hosts.get(stuck.id))?.errorMessage).toBe(
      'Provisioning for more than 1m with no operation running',
    );
  });
});
