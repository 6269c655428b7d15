/*
 * The claim race benchmark (`yarn bench:claims`): N simulated replicas, each
 * with its own connection pool, claim hosts for M machines over H hosts in
 * one coordination mode; then the same connections run plain single-row
 * update transactions, so that the claim rate reads as a fraction of what
 * the database can do at all. Prints, last, one JSON line.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     plugins/beskar7-backend/bench/claims.ts \
 *     --db postgres --mode optimistic --replicas 8 --hosts 1000 --machines 1000
 *
 * PostgreSQL: BESKAR7_BENCH_POSTGRES (a connection string; default
 * postgresql://postgres@127.0.0.1:5432). A scratch database is created and
 * dropped.
 */
import {
  CLAIM_COORDINATION_MODES,
  ClaimCoordinationMode,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Knex, knex as createKnex } from 'knex';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createClaimCoordinator } from '../src/claims/createClaimCoordinator';
import { LeaderClaimCoordinator } from '../src/claims/LeaderClaimCoordinator';
import { ClaimCoordinator } from '../src/claims/types';
import { applyDatabaseMigrations } from '../src/database/migrations';
import { Beskar7Metrics, createBeskar7Metrics } from '../src/metrics';
import { checkClaimInvariants } from '../src/__testUtils__/claimInvariants';
import { runClaimRace } from '../src/__testUtils__/claimRace';
import {
  insertAvailableHosts,
  insertPendingMachines,
} from '../src/__testUtils__/fleet';
import {
  openReplicaPools,
  ReplicaPools,
} from '../src/__testUtils__/replicaPools';

interface BenchOptions {
  db: 'sqlite' | 'postgres';
  mode: ClaimCoordinationMode;
  replicas: number;
  hosts: number;
  machines: number;
  poolSize: number;
  concurrency: number;
  baselineSeconds: number;
}

function readOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string', default: 'postgres' },
      mode: { type: 'string', default: 'optimistic' },
      replicas: { type: 'string', default: '4' },
      hosts: { type: 'string', default: '1000' },
      machines: { type: 'string', default: '1000' },
      'pool-size': { type: 'string', default: '4' },
      concurrency: { type: 'string' },
      'baseline-seconds': { type: 'string', default: '3' },
    },
  });
  const positive = (name: string, value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`--${name} must be a positive integer, got ${value}`);
    }
    return n;
  };
  if (values.db !== 'sqlite' && values.db !== 'postgres') {
    throw new Error(`--db must be sqlite or postgres, got ${values.db}`);
  }
  const mode = values.mode as ClaimCoordinationMode;
  if (!CLAIM_COORDINATION_MODES.includes(mode)) {
    throw new Error(
      `--mode must be one of ${CLAIM_COORDINATION_MODES.join(', ')}`,
    );
  }
  const poolSize =
    values.db === 'sqlite' ? 1 : positive('pool-size', values['pool-size']!);
  return {
    db: values.db,
    mode,
    replicas: positive('replicas', values.replicas!),
    hosts: positive('hosts', values.hosts!),
    machines: positive('machines', values.machines!),
    poolSize,
    concurrency: values.concurrency
      ? positive('concurrency', values.concurrency)
      : poolSize,
    baselineSeconds: positive('baseline-seconds', values['baseline-seconds']!),
  };
}

/** A scratch database for one run, and how to get rid of it. */
async function createScratchDatabase(
  options: BenchOptions,
  replicas: number,
): Promise<{ pools: ReplicaPools; drop(): Promise<void> }> {
  if (options.db === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'beskar7-bench-'));
    const pools = openReplicaPools(
      { sqliteFile: join(dir, 'bench.sqlite') },
      replicas,
    );
    return {
      pools,
      async drop() {
        await pools.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const server =
    process.env.BESKAR7_BENCH_POSTGRES ??
    'postgresql://postgres@127.0.0.1:5432';
  const admin = createKnex({ client: 'pg', connection: server });
  const database = `beskar7_bench_${randomBytes(6).toString('hex')}`;
  await admin.raw('CREATE DATABASE ??', [database]);
  const url = new URL(server);
  url.pathname = `/${database}`;
  const pools = openReplicaPools(
    { postgres: { connectionString: url.toString() } },
    replicas,
    options.poolSize,
  );
  return {
    pools,
    async drop() {
      await pools.close();
      await admin.raw('DROP DATABASE ?? WITH (FORCE)', [database]);
      await admin.destroy();
    },
  };
}

/**
 * Plain single-row update transactions from the same connections: each
 * worker updates a row of its own, so the rate measures the database and
 * the round trips, not row contention.
 */
async function measureBaseline(
  clients: Knex[],
  concurrency: number,
  seconds: number,
): Promise<number> {
  const table = 'beskar7_bench_baseline';
  const workers = clients.length * concurrency;
  await clients[0].schema.createTable(table, t => {
    t.integer('id').primary();
    t.integer('n').notNullable();
  });
  await clients[0](table).insert(
    Array.from({ length: workers }, (_, id) => ({ id, n: 0 })),
  );
  let updates = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, id) => {
      const knex = clients[id % clients.length];
      while (performance.now() < deadline) {
        await retryBusy(() =>
          knex.transaction(trx => trx(table).where({ id }).increment('n', 1)),
        );
        updates++;
      }
    }),
  );
  return updates / ((performance.now() - started) / 1000);
}

/** SQLite answers "busy" instead of waiting (see replicaPools); so do we. */
async function retryBusy<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      await new Promise(resolve => setTimeout(resolve, Math.random() * 2));
    }
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Claim attempts summed over every replica's metrics, by outcome. */
async function attemptsByOutcome(metrics: Beskar7Metrics[]) {
  const totals: Record<string, number> = {};
  for (const m of metrics) {
    for (const v of (await m.hostClaimAttempts.get()).values) {
      const outcome = String(v.labels.outcome);
      totals[outcome] = (totals[outcome] ?? 0) + v.value;
    }
  }
  return totals;
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  const { pools, drop } = await createScratchDatabase(
    options,
    options.replicas,
  );
  const coordinators: ClaimCoordinator[] = [];
  try {
    const [first] = pools.clients;
    await applyDatabaseMigrations(first);
    await insertAvailableHosts(first, { count: options.hosts });
    const machines = await insertPendingMachines(first, {
      count: options.machines,
    });

    const metrics = pools.clients.map(() => createBeskar7Metrics());
    pools.clients.forEach((knex, i) =>
      coordinators.push(
        createClaimCoordinator({
          mode: options.mode,
          knex,
          metrics: metrics[i],
          replicaId: `bench-replica-${i}`,
          leaderElection: {
            leaseDurationMs: 15_000,
            renewDeadlineMs: 10_000,
            retryPeriodMs: 100,
          },
        }),
      ),
    );
    await Promise.all(coordinators.map(c => c.start()));
    if (options.mode === 'leader') {
      // Election time is not claim time.
      while (!coordinators.some(c => (c as LeaderClaimCoordinator).isLeader)) {
        await new Promise(resolve => setTimeout(resolve, 10));
      }
    }

    const started = performance.now();
    const entries = await runClaimRace(
      coordinators,
      machines.map(m => m.id),
      { concurrencyPerReplica: options.concurrency },
    );
    const elapsedSeconds = (performance.now() - started) / 1000;
    await Promise.all(coordinators.map(c => c.stop()));

    const report = await checkClaimInvariants(first);
    const attempts = await attemptsByOutcome(metrics);
    const conflicts = attempts.conflict ?? 0;
    const writes = (attempts.success ?? 0) + conflicts;
    const claimed = entries.filter(e => e.result.outcome === 'claimed').length;
    const latencies = entries.map(e => e.latencyMs).sort((a, b) => a - b);

    const baselineUpdatesPerSecond = await measureBaseline(
      pools.clients,
      options.concurrency,
      options.baselineSeconds,
    );
    const claimsPerSecond = claimed / elapsedSeconds;
    const result = {
      db: options.db,
      mode: options.mode,
      replicas: options.replicas,
      connectionsPerReplica: options.poolSize,
      claimsInFlightPerReplica: options.concurrency,
      hosts: options.hosts,
      machines: options.machines,
      claimed,
      doubleClaims: report.doubleClaims.length,
      halfClaims: report.halfClaims.length + report.inconsistentHosts.length,
      claimsPerSecond: round(claimsPerSecond),
      conflictRate: round(writes ? conflicts / writes : 0, 4),
      databaseErrors: attempts.error ?? 0,
      retriedClaims: entries.filter(e => e.calls > 1).length,
      p50Ms: round(percentile(latencies, 0.5)),
      p95Ms: round(percentile(latencies, 0.95)),
      p99Ms: round(percentile(latencies, 0.99)),
      baselineUpdatesPerSecond: round(baselineUpdatesPerSecond),
      throughputVsBaseline: round(
        claimsPerSecond / baselineUpdatesPerSecond,
        3,
      ),
      cpus: cpus().length,
    };
    console.log(
      `${result.mode} on ${result.db}, ${result.replicas} replicas: ` +
        `${claimed}/${result.machines} claimed in ${elapsedSeconds.toFixed(
          2,
        )} s, ` +
        `${result.conflictRate * 100}% conflicts, p95 ${result.p95Ms} ms, ` +
        `${result.throughputVsBaseline}x the baseline update rate`,
    );
    console.log(JSON.stringify(result));
    if (result.doubleClaims || result.halfClaims) process.exitCode = 1;
  } finally {
    await Promise.all(coordinators.map(c => c.stop()));
    await drop();
  }
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
