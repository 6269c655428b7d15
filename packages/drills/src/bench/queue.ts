/* eslint-disable no-console */
/**
 * Provisioning queue benchmark: a fleet of hosts, one provisioning job
 * each, worked off by several replicas (separate connection pools) against
 * one database, with the BMC side simulated by timed work that records
 * concurrency and per-BMC gaps.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     packages/drills/src/bench/queue.ts --hosts 200 --replicas 2
 *
 * Prints, last, one JSON line with the figures.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { knex as createKnex, Knex } from 'knex';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { applyDatabaseMigrations } from '../../../../plugins/beskar7-backend/src/database/migrations';
import { createQueueMetrics } from '../../../../plugins/beskar7-backend/src/metrics/queueMetrics';
import { ProvisioningQueue } from '../../../../plugins/beskar7-backend/src/queue/ProvisioningQueue';
import {
  abortableDelay,
  BmcActivityRecorder,
  insertHosts,
  testProvisioningConfig,
} from '@beskar7/backend-testing/queue';
import { JobHandler } from '../../../../plugins/beskar7-backend/src/queue/types';
import { createPostgresScratch } from '../drills/scratchDatabase';

const { values: args } = parseArgs({
  options: {
    hosts: { type: 'string', default: '200' },
    bmcs: { type: 'string' },
    'latency-ms': { type: 'string', default: '500' },
    'max-concurrent-ops': { type: 'string', default: '10' },
    'cooldown-ms': { type: 'string', default: '1000' },
    replicas: { type: 'string', default: '2' },
    workers: { type: 'string' },
    'poll-ms': { type: 'string', default: '50' },
    'lease-ms': { type: 'string', default: '5000' },
    'kill-replica-after-ms': { type: 'string' },
    database: { type: 'string', default: 'postgres' },
    'pg-url': {
      type: 'string',
      default:
        process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
        'postgresql://postgres@127.0.0.1:5432',
    },
  },
});

const hostCount = Number(args.hosts);
const bmcCount = Number(args.bmcs ?? hostCount);
const latencyMs = Number(args['latency-ms']);
const maxConcurrentOps = Number(args['max-concurrent-ops']);
const cooldownMs = Number(args['cooldown-ms']);
const replicaCount = Number(args.replicas);
const workerCount = Number(
  args.workers ?? Math.ceil(maxConcurrentOps / replicaCount) + 1,
);
const killAfterMs =
  args['kill-replica-after-ms'] !== undefined
    ? Number(args['kill-replica-after-ms'])
    : undefined;

const quietLogger: LoggerService = {
  error: (m: string) => console.error(m),
  warn: (m: string) => console.error(m),
  info: () => {},
  debug: () => {},
  child: () => quietLogger,
};

async function openDatabase(): Promise<{
  clients: Knex[];
  close(): Promise<void>;
}> {
  if (args.database === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'beskar7-bench-'));
    const clients = Array.from({ length: replicaCount }, () =>
      createKnex({
        client: 'better-sqlite3',
        connection: { filename: join(dir, 'db.sqlite') },
        useNullAsDefault: true,
        pool: {
          min: 1,
          max: 1,
          afterCreate: (conn: any, done: (err?: Error) => void) => {
            conn.pragma('journal_mode = WAL');
            conn.pragma('busy_timeout = 5000');
            done();
          },
        },
      }),
    );
    return {
      clients,
      async close() {
        await Promise.all(clients.map(c => c.destroy()));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const scratch = await createPostgresScratch(args['pg-url']!);
  const clients = Array.from({ length: replicaCount }, () =>
    createKnex({
      client: 'pg',
      connection: scratch.url,
      pool: { min: 0, max: workerCount + 2 },
    }),
  );
  return {
    clients,
    async close() {
      await Promise.all(clients.map(c => c.destroy()));
      await scratch.drop();
    },
  };
}

/** The least time the limits allow: concurrency slots, and each BMC's chain of operations and cooldowns. */
function theoreticalSeconds(): number {
  const parallel = Math.min(maxConcurrentOps, replicaCount * workerCount);
  const byConcurrency = Math.ceil(hostCount / parallel) * latencyMs;
  const perBmc = Math.ceil(hostCount / bmcCount);
  const byCooldown = perBmc * latencyMs + (perBmc - 1) * cooldownMs;
  return Math.max(byConcurrency, byCooldown) / 1000;
}

async function main() {
  const db = await openDatabase();
  const recorder = new BmcActivityRecorder();
  const handler: JobHandler = {
    async run(job, { signal }) {
      const op = recorder.begin(job.id, job.bmcAddress);
      try {
        await abortableDelay(latencyMs, signal);
        recorder.end(op, true);
      } catch (error) {
        recorder.end(op, false);
        throw error;
      }
    },
    async giveUp() {},
  };
  const config = testProvisioningConfig({
    maxQueueSize: Math.max(hostCount, 1),
    workerCount,
    maxConcurrentOps,
    bmcCooldownMs: cooldownMs,
    pollIntervalMs: Number(args['poll-ms']),
    leaseDurationMs: Number(args['lease-ms']),
    operationTimeoutMs: Math.max(10 * latencyMs, 1000),
  });
  try {
    await applyDatabaseMigrations(db.clients[0]);
    const hosts = await insertHosts(db.clients[0], {
      count: hostCount,
      bmcCount,
    });
    const queues = db.clients.map(
      knex =>
        new ProvisioningQueue({
          knex,
          config,
          handler,
          logger: quietLogger,
          metrics: createQueueMetrics(new Registry()),
        }),
    );
    for (const h of hosts) {
      await queues[0].enqueue({
        hostId: h.id,
        operation: 'provision',
        bmcAddress: h.bmcAddress,
      });
    }
    console.log(
      `${hostCount} jobs queued; ${replicaCount} replicas x ${workerCount} workers, maxConcurrentOps ${maxConcurrentOps}, latency ${latencyMs}ms, cooldown ${cooldownMs}ms, ${args.database}`,
    );

    const started = Date.now();
    queues.forEach(q => q.start());
    if (killAfterMs !== undefined) {
      setTimeout(() => {
        console.log(`abandoning replica ${replicaCount - 1} mid-run`);
        void queues[replicaCount - 1].abandon();
      }, killAfterMs);
    }
    const deadline = started + theoreticalSeconds() * 1000 * 5 + 60_000;
    let succeeded = 0;
    while (Date.now() < deadline) {
      const [row] = await db.clients[0]('beskar7_provisioning_jobs')
        .where({ status: 'succeeded' })
        .count({ count: '*' });
      succeeded = Number(row.count);
      if (succeeded === hostCount) break;
      await new Promise(r => setTimeout(r, 20));
    }
    const seconds = (Date.now() - started) / 1000;
    await Promise.all(queues.map(q => q.stop()));

    const completions = recorder.completions();
    const duplicateOps = [...completions.values()].filter(n => n > 1).length;
    const theoretical = theoreticalSeconds();
    console.log(
      JSON.stringify({
        database: args.database,
        hosts: hostCount,
        bmcs: bmcCount,
        replicas: replicaCount,
        workersPerReplica: workerCount,
        maxConcurrentOps,
        latencyMs,
        cooldownMs,
        provisioned: succeeded,
        seconds: Number(seconds.toFixed(3)),
        theoreticalSeconds: theoretical,
        efficiency: Number((theoretical / seconds).toFixed(3)),
        maxObservedConcurrency: recorder.maxInFlight,
        cooldownViolations: recorder.cooldownViolations(() => cooldownMs),
        lostJobs: hostCount - completions.size,
        duplicateOps,
      }),
    );
  } finally {
    await db.close();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
