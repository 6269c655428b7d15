import { mockServices } from '@backstage/backend-test-utils';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { Knex } from 'knex';
import { Registry } from 'prom-client';
import { ProvisioningConfig } from '../config';
import { applyDatabaseMigrations } from '../database/migrations';
import { createQueueMetrics } from '../metrics/queueMetrics';
import {
  createReplicaDatabases,
  createTestDatabases,
  DATABASE_IDS,
  ReplicaDatabases,
} from '@beskar7/backend-testing/database';
import { QueueDrainingError, QueueFullError } from './errors';
import { ProvisioningQueue } from './ProvisioningQueue';
import {
  abortableDelay,
  BmcActivityRecorder,
  insertHosts,
  TestHost,
  testProvisioningConfig,
} from '@beskar7/backend-testing/queue';
import { JobHandler, ProvisioningJob } from './types';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** A handler doing timed "BMC work", recorded on the BMC side; fails hosts in `failing`. */
function recordingHandler(
  recorder: BmcActivityRecorder,
  options: { latencyMs: number; failing?: Set<string> },
) {
  const givenUp: Array<{ job: ProvisioningJob; error: Error }> = [];
  const handler: JobHandler = {
    async run(job, { signal }) {
      const op = recorder.begin(job.id, job.bmcAddress);
      try {
        await abortableDelay(options.latencyMs, signal);
        if (options.failing?.has(job.hostId)) {
          throw new Error('BMC answered 503 Service Unavailable');
        }
        recorder.end(op, true);
      } catch (error) {
        recorder.end(op, false);
        throw error;
      }
    },
    async giveUp(job, error) {
      givenUp.push({ job, error });
    },
  };
  return { handler, givenUp };
}

describe.each(DATABASE_IDS)('ProvisioningQueue on %s', databaseId => {
  let replicas: ReplicaDatabases;
  let knex: Knex;
  const queues: ProvisioningQueue[] = [];

  async function setUp(count: number) {
    replicas = await createReplicaDatabases(databases, databaseId, count);
    knex = replicas.clients[0];
    await applyDatabaseMigrations(knex);
  }

  function createQueue(
    client: Knex,
    handler: JobHandler,
    config: ProvisioningConfig,
    registry = new Registry(),
  ) {
    const queue = new ProvisioningQueue({
      knex: client,
      config,
      handler,
      logger: mockServices.logger.mock(),
      metrics: createQueueMetrics(registry),
    });
    queues.push(queue);
    return queue;
  }

  function enqueueAll(queue: ProvisioningQueue, hosts: TestHost[]) {
    return Promise.all(
      hosts.map(h =>
        queue.enqueue({
          hostId: h.id,
          operation: 'provision',
          bmcAddress: h.bmcAddress,
          vendor: 'dell',
        }),
      ),
    );
  }

  afterEach(async () => {
    await Promise.all(queues.splice(0).map(q => q.stop()));
    await replicas?.close();
  });

  it('keeps one job per host, refuses a full queue without losing queued jobs, and refuses while draining', async () => {
    await setUp(1);
    const registry = new Registry();
    const queue = createQueue(
      knex,
      { run: async () => {}, giveUp: async () => {} },
      testProvisioningConfig({ maxQueueSize: 3 }),
      registry,
    );
    const hosts = await insertHosts(knex, { count: 5 });
    const first = await enqueueAll(queue, hosts.slice(0, 3));
    expect(first.every(r => r.created)).toBe(true);

    const again = await queue.enqueue({
      hostId: hosts[0].id,
      operation: 'provision',
      bmcAddress: hosts[0].bmcAddress,
    });
    expect(again).toEqual({ job: first[0].job, created: false });

    const rejected = queue.enqueue({
      hostId: hosts[3].id,
      operation: 'provision',
      bmcAddress: hosts[3].bmcAddress,
    });
    await expect(rejected).rejects.toThrow(QueueFullError);
    await expect(rejected).rejects.toMatchObject({
      maxQueueSize: 3,
      retryAfterMs: 30_000,
      message: 'Provisioning queue is full (3 jobs); retry in 30s',
    });
    expect(await queue.listJobs({ status: ['queued'] })).toHaveLength(3);

    const status = await queue.drain();
    expect(status).toMatchObject({
      length: 3,
      maxQueueSize: 3,
      draining: true,
    });
    await expect(
      queue.enqueue({
        hostId: hosts[4].id,
        operation: 'provision',
        bmcAddress: hosts[4].bmcAddress,
      }),
    ).rejects.toThrow(QueueDrainingError);

    const metrics = await registry.getMetricsAsJSON();
    const rejections = metrics.find(
      m => m.name === 'beskar7_provisioning_queue_rejections_total',
    );
    expect(rejections?.values).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { reason: 'full' }, value: 1 }),
        expect.objectContaining({ labels: { reason: 'draining' }, value: 1 }),
      ]),
    );
    expect(
      await registry.getSingleMetricAsString(
        'beskar7_provisioning_queue_length',
      ),
    ).toContain('beskar7_provisioning_queue_length 3');
  });

  it('pauses and resumes workers of every replica', async () => {
    await setUp(2);
    const recorder = new BmcActivityRecorder();
    const { handler } = recordingHandler(recorder, { latencyMs: 5 });
    const config = testProvisioningConfig();
    const [a, b] = replicas.clients.map(c => createQueue(c, handler, config));
    await a.pause();
    b.start();
    const hosts = await insertHosts(knex, { count: 4 });
    await enqueueAll(a, hosts);
    // Ten poll intervals with the queue paused: nothing may start.
    await new Promise(r => setTimeout(r, 10 * config.pollIntervalMs));
    expect(recorder.operations).toHaveLength(0);
    expect(await b.status()).toMatchObject({ paused: true, length: 4 });

    await a.resume();
    await eventually(
      async () => ({
        queued: (await a.status()).length,
        done: recorder.completions().size,
      }),
      ({ queued, done }) => queued === 0 && done === 4,
      { what: 'the 4 jobs to run after the resume', timeoutMs: 20_000 },
    );
  });

  it('runs jobs from several replicas within maxConcurrentOps and the BMC cooldown', async () => {
    const replicaCount = 3;
    await setUp(replicaCount);
    const recorder = new BmcActivityRecorder();
    const { handler } = recordingHandler(recorder, { latencyMs: 15 });
    const config = testProvisioningConfig({
      maxConcurrentOps: 3,
      workerCount: 3,
      bmcCooldownMs: 40,
      vendorCooldownMs: { dell: 60 },
      pollIntervalMs: 10,
    });
    const registries = replicas.clients.map(() => new Registry());
    const queueList = replicas.clients.map((c, i) =>
      createQueue(c, handler, config, registries[i]),
    );
    // 24 hosts behind 8 BMCs: three operations per BMC, so cooldowns matter.
    const hosts = await insertHosts(knex, { count: 24, bmcCount: 8 });
    const jobs = await enqueueAll(queueList[0], hosts);
    queueList.forEach(q => q.start());

    await eventually(
      async () =>
        (
          await knex('beskar7_provisioning_jobs').where({ status: 'succeeded' })
        ).length,
      succeeded => succeeded === 24,
      { what: 'all 24 jobs to succeed', timeoutMs: 30_000 },
    );
    expect(recorder.maxInFlight).toBeLessThanOrEqual(3);
    expect(recorder.cooldownViolations(() => 60)).toBe(0);
    const completions = recorder.completions();
    expect(jobs.map(j => completions.get(j.job.id))).toEqual(jobs.map(() => 1));

    // Every replica reports what it ran; together they account for every job.
    let observed = 0;
    let cooldownWaits = 0;
    for (const registry of registries) {
      const durations = await registry
        .getSingleMetric('beskar7_bmc_operation_duration_seconds')!
        .get();
      for (const v of durations.values) {
        const name = (v as { metricName?: string }).metricName;
        if (name !== 'beskar7_bmc_operation_duration_seconds_count') continue;
        expect(v.labels).toEqual({
          operation: 'provision',
          vendor: 'dell',
          outcome: 'success',
        });
        observed += v.value;
      }
      const waits = await registry
        .getSingleMetric('beskar7_bmc_cooldown_waits_total')!
        .get();
      cooldownWaits += waits.values.reduce((sum, v) => sum + v.value, 0);
    }
    expect(observed).toBe(24);
    // Three jobs per BMC, all due at once: at least the second and third on each waited.
    expect(cooldownWaits).toBeGreaterThanOrEqual(16);
  });

  it('takes over the jobs of a replica that stopped mid-operation, losing and repeating none', async () => {
    await setUp(2);
    const recorder = new BmcActivityRecorder();
    const { handler } = recordingHandler(recorder, { latencyMs: 300 });
    const config = testProvisioningConfig({
      maxConcurrentOps: 4,
      workerCount: 4,
      leaseDurationMs: 400,
    });
    const [crashing, survivor] = replicas.clients.map(c =>
      createQueue(c, handler, config),
    );
    const hosts = await insertHosts(knex, { count: 8 });
    const jobs = await enqueueAll(crashing, hosts);
    crashing.start();
    // Polled fast: the crash must come while the 300 ms operations run.
    await eventually(
      () => recorder.inFlight,
      inFlight => inFlight === 4,
      { what: 'four running jobs', timeoutMs: 10_000, intervalMs: 20 },
    );
    await crashing.abandon();
    const orphaned = await knex('beskar7_provisioning_jobs').where({
      status: 'running',
    });
    expect(orphaned).toHaveLength(4);

    survivor.start();
    await eventually(
      async () =>
        (
          await knex('beskar7_provisioning_jobs').where({ status: 'succeeded' })
        ).length,
      succeeded => succeeded === 8,
      {
        what: 'the survivor to finish all 8 jobs, the orphaned ones included',
        timeoutMs: 20_000,
      },
    );
    const completions = recorder.completions();
    expect(jobs.map(j => completions.get(j.job.id))).toEqual(jobs.map(() => 1));
    const takenOver = await knex('beskar7_provisioning_jobs').whereIn(
      'id',
      orphaned.map(j => j.id),
    );
    for (const job of takenOver) {
      expect(Number(job.attempt)).toBe(2);
      expect(job.owner_id).toBeNull();
    }
    expect(recorder.maxInFlight).toBeLessThanOrEqual(4);
  });

  it('retries a failing job with backoff, then gives up with a readable reason', async () => {
    await setUp(1);
    const recorder = new BmcActivityRecorder();
    const hosts = await insertHosts(knex, { count: 2 });
    const { handler, givenUp } = recordingHandler(recorder, {
      latencyMs: 5,
      failing: new Set([hosts[0].id]),
    });
    const queue = createQueue(
      knex,
      handler,
      testProvisioningConfig({
        retry: { maxRetries: 2, initialBackoffMs: 50, maxBackoffMs: 80 },
      }),
    );
    const [failing, fine] = await enqueueAll(queue, hosts);
    queue.start();
    await eventually(
      async () => (await queue.getJob(failing.job.id))?.status,
      status => status === 'failed',
      {
        what: 'the failing job to give up after its retries',
        timeoutMs: 20_000,
      },
    );

    const job = await queue.getJob(failing.job.id);
    expect(job).toMatchObject({
      attempt: 3,
      lastError:
        'provision failed after 3 attempts: BMC answered 503 Service Unavailable',
    });
    expect(givenUp.map(g => [g.job.id, g.error.message])).toEqual([
      [
        failing.job.id,
        'provision failed after 3 attempts: BMC answered 503 Service Unavailable',
      ],
    ]);
    const attempts = recorder.operations.filter(
      o => o.jobId === failing.job.id,
    );
    expect(attempts).toHaveLength(3);
    // Backoff: 50ms before the second attempt, 80ms (capped) before the third.
    expect(attempts[1].startedAt - attempts[0].endedAt!).toBeGreaterThanOrEqual(
      48,
    );
    expect(attempts[2].startedAt - attempts[1].endedAt!).toBeGreaterThanOrEqual(
      78,
    );
    expect((await queue.getJob(fine.job.id))?.status).toBe('succeeded');
  });

  it('times out an operation that runs too long and reports cooldowns in effect', async () => {
    await setUp(1);
    const recorder = new BmcActivityRecorder();
    const { handler, givenUp } = recordingHandler(recorder, {
      latencyMs: 5_000,
    });
    const queue = createQueue(
      knex,
      handler,
      testProvisioningConfig({
        operationTimeoutMs: 100,
        bmcCooldownMs: 60_000,
        retry: { maxRetries: 0, initialBackoffMs: 0, maxBackoffMs: 0 },
      }),
    );
    const [host] = await insertHosts(knex, { count: 1 });
    const [{ job }] = await enqueueAll(queue, [host]);
    queue.start();
    await eventually(
      async () => (await queue.getJob(job.id))?.status,
      status => status === 'failed',
      { what: 'the job to fail on its timeout', timeoutMs: 20_000 },
    );
    expect(givenUp[0].error.message).toBe(
      'provision failed after 1 attempts: operation timed out after 100ms',
    );
    const status = await queue.status();
    expect(status.cooldowns).toEqual([
      expect.objectContaining({ bmcAddress: host.bmcAddress }),
    ]);
    expect(status.cooldowns[0].remainingMs).toBeGreaterThan(0);
  });
});
