import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
/*
 * The claim race benchmark (`yarn bench:claims`): N replicas, each a child
 * process (bench/claimsReplica.ts) with its own connection pool, claim
 * hosts for M machines over H hosts in one coordination mode, taking the
 * machines from one queue held here (after an untimed warm-up race of
 * `--warm-up` machines on hosts of their own, by default 6 per connection,
 * and some more that find no host, so that each connection has settled on
 * the plans of every claim statement); then the same
 * processes and pools run
 * plain single-row update transactions, so that the claim rate reads as a
 * fraction of what the database can do at all in the same run. Prints,
 * last, one JSON line, with the CPU the timed race cost per claim in
 * PostgreSQL (every `postgres` process on the machine) and in the
 * replicas, read from /proc on Linux.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     packages/drills/src/bench/claims.ts \
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
import { Knex } from 'knex';
import { ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { percentile } from '../drills/drillSupport';
import { createPostgresScratch } from '../drills/scratchDatabase';
import { CLAIM_COORDINATOR_LEASE } from '../../../../plugins/beskar7-backend/src/claims/LeaderClaimCoordinator';
import {
  DEFAULT_LEADER_ELECTION_TIMING,
  LeaderElectionTiming,
} from '../../../../plugins/beskar7-backend/src/claims/leaderElection';
import { applyDatabaseMigrations } from '../../../../plugins/beskar7-backend/src/database/migrations';
import {
  checkClaimInvariants,
  insertAvailableHosts,
  insertPendingMachines,
  RaceEntry,
} from '@beskar7/backend-testing/fleet';
import {
  openReplicaPools,
  ReplicaTarget,
} from '@beskar7/backend-testing/database';
import { FromReplica, ToReplica } from './claimsReplica';
import { cpuSecondsOf, postgresCpuSeconds } from './processCpu';
import {
  ClaimLimit,
  defaultLimitScript,
  measureClaimLimit,
} from './pgbenchLimit';

interface BenchOptions {
  db: 'sqlite' | 'postgres';
  mode: ClaimCoordinationMode;
  replicas: number;
  hosts: number;
  machines: number;
  poolSize: number;
  concurrency: number;
  baselineSeconds: number;
  limitScript?: string;
  limitSeconds: number;
  warmUp: number;
}

/**
 * Claims per connection in the warm-up race, so that the race is timed on
 * replicas as they run once they have served a while:
 * - PostgreSQL plans a prepared statement afresh for its first five runs on
 *   a connection before it keeps a generic plan; the claim statement takes
 *   10-25 ms to plan, and all the replicas' connections do it at once.
 * - V8 compiles optimised code for a function only once it has run often.
 *   With 6 claims per connection, V8's optimising compiler was a third of
 *   each replica's CPU in the timed race (perf, leader mode), and the rates
 *   were those of processes a few seconds old.
 * A replica outlives millions of claims; 1,000 per replica (250 per
 * connection at the default 4) is where the rate stopped rising.
 */
const WARM_UP_PER_CONNECTION = 250;

/**
 * Warm-up machines per connection left without a host. A claim that finds
 * none runs the statement that walks the whole ring (ClaimStore), which a
 * connection also plans five times before it keeps a generic plan.
 */
const WAITING_PER_CONNECTION = 8;

const WARM_UP_POOL = 'warm-up';

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
      'limit-script': { type: 'string' },
      'limit-seconds': { type: 'string', default: '15' },
      'no-limit': { type: 'boolean', default: false },
      'warm-up': { type: 'string' },
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
  const replicas = positive('replicas', values.replicas!);
  const concurrency = values.concurrency
    ? positive('concurrency', values.concurrency)
    : poolSize;
  const warmUp =
    values['warm-up'] === undefined
      ? replicas * poolSize * WARM_UP_PER_CONNECTION
      : Number(values['warm-up']);
  if (!Number.isInteger(warmUp) || warmUp < 0) {
    throw new Error(
      `--warm-up must be a whole number, got ${values['warm-up']}`,
    );
  }
  return {
    db: values.db,
    mode,
    replicas,
    hosts: positive('hosts', values.hosts!),
    machines: positive('machines', values.machines!),
    poolSize,
    concurrency,
    baselineSeconds: positive('baseline-seconds', values['baseline-seconds']!),
    limitScript:
      values.db === 'postgres' && !values['no-limit']
        ? values['limit-script'] ?? defaultLimitScript()
        : undefined,
    limitSeconds: positive('limit-seconds', values['limit-seconds']!),
    warmUp,
  };
}

/**
 * The product's own lease timing, so that the other replicas' tries for
 * the lease cost in leader mode what they cost in production.
 */
const LEADER_ELECTION: LeaderElectionTiming = DEFAULT_LEADER_ELECTION_TIMING;

const BASELINE_TABLE = 'beskar7_bench_baseline';

const REPLY_TYPES: string[] = ['ready', 'next', 'raced', 'baselined'];

/** A scratch database for one run: where replicas find it, and how to get rid of it. */
async function createScratchDatabase(
  options: BenchOptions,
): Promise<{ target: ReplicaTarget; drop(): Promise<void> }> {
  if (options.db === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'beskar7-bench-'));
    return {
      target: { sqliteFile: join(dir, 'bench.sqlite') },
      async drop() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const scratch = await createPostgresScratch(
    process.env.BESKAR7_BENCH_POSTGRES ??
      'postgresql://postgres@127.0.0.1:5432',
  );
  return {
    target: { postgres: { connectionString: scratch.url } },
    drop: () => scratch.drop(),
  };
}

/** One replica process, and the answers it sends back. */
class Replica {
  private readonly child: ChildProcess;
  private readonly replies: FromReplica[] = [];
  private readonly waiting: Array<(message: FromReplica) => void> = [];

  constructor(onNext: (replica: Replica) => void) {
    this.child = fork(join(__dirname, 'claimsReplica.ts'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (message: FromReplica) => {
      // The TypeScript loader sends messages of its own (`watch`).
      if (!REPLY_TYPES.includes(message.type)) return;
      if (message.type === 'next') onNext(this);
      else if (this.waiting.length) this.waiting.shift()!(message);
      else this.replies.push(message);
    });
    this.child.once('exit', code => {
      if (code !== 0) {
        console.error(`a replica exited with ${code}`);
        process.exit(1);
      }
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  send(message: ToReplica) {
    this.child.send(message);
  }

  /** The next answer other than a request for a machine. */
  reply<T extends FromReplica['type']>(
    type: T,
  ): Promise<Extract<FromReplica, { type: T }>> {
    const check = (message: FromReplica) => {
      if (message.type !== type) {
        throw new Error(`expected ${type} from a replica, got ${message.type}`);
      }
      return message as Extract<FromReplica, { type: T }>;
    };
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(check(queued));
    return new Promise(resolve =>
      this.waiting.push(message => resolve(check(message))),
    );
  }

  async stop() {
    if (this.child.exitCode !== null) return;
    this.child.removeAllListeners('exit');
    const exited = once(this.child, 'exit');
    this.send({ type: 'stop' });
    await exited;
  }
}

/** Until the claim coordinator lease has a holder: election time is not claim time. */
async function waitForLeader(knex: Knex) {
  await eventually(
    () =>
      knex('beskar7_leases')
        .where({ name: CLAIM_COORDINATOR_LEASE })
        .whereNotNull('holder_id')
        .first(),
    Boolean,
    { what: 'a coordinator lease holder', intervalMs: 20 },
  );
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  const limit = async (when: string) => {
    if (!options.limitScript) return undefined;
    console.log(`pgbench one-statement claim, ${when} the race...`);
    return measureClaimLimit(options.limitScript, {
      clients: options.replicas,
      seconds: options.limitSeconds,
    });
  };
  const limitBefore = await limit('before');
  const { target, drop } = await createScratchDatabase(options);
  const [knex] = openReplicaPools(target, 1).clients;
  const replicas: Replica[] = [];
  try {
    await applyDatabaseMigrations(knex);
    // The warm-up race takes hosts of a pool of its own: the timed race has
    // H. More of its machines than hosts: those left waiting run the claim
    // statement that walks the whole ring, as a fleet short of hosts does,
    // so that it too is planned before the clock starts.
    await insertAvailableHosts(knex, { count: options.hosts });
    await insertAvailableHosts(knex, {
      count: options.warmUp,
      prefix: 'warm-up-host',
      describe: () => ({ pool: WARM_UP_POOL }),
    });
    const warmUpMachines = await insertPendingMachines(knex, {
      count:
        options.warmUp === 0
          ? 0
          : options.warmUp +
            WAITING_PER_CONNECTION * options.replicas * options.poolSize,
      prefix: 'warm-up',
      requirements: () => ({ pool: WARM_UP_POOL }),
    });
    const machines = await insertPendingMachines(knex, {
      count: options.machines,
    });
    const queue = warmUpMachines.map(m => m.id);
    const workers = options.replicas * options.concurrency;
    await knex.schema.createTable(BASELINE_TABLE, t => {
      t.integer('id').primary();
      t.integer('n').notNullable();
    });
    await knex(BASELINE_TABLE).insert(
      Array.from({ length: workers }, (_, id) => ({ id, n: 0 })),
    );
    if (options.db === 'postgres') await knex.raw('VACUUM ANALYZE');

    for (let i = 0; i < options.replicas; i++) {
      replicas.push(
        new Replica(replica =>
          replica.send({ type: 'machine', id: queue.shift() }),
        ),
      );
    }
    replicas.forEach((replica, i) =>
      replica.send({
        type: 'start',
        target,
        mode: options.mode,
        poolSize: options.poolSize,
        replica: i,
        leaderElection: LEADER_ELECTION,
      }),
    );
    await Promise.all(replicas.map(r => r.reply('ready')));
    if (options.mode === 'leader') await waitForLeader(knex);

    const race = () => {
      replicas.forEach(r =>
        r.send({ type: 'race', concurrency: options.concurrency }),
      );
      return Promise.all(replicas.map(r => r.reply('raced')));
    };
    const warmedUp = options.warmUp > 0 ? await race() : [];
    queue.push(...machines.map(m => m.id));

    const load = loadavg()[0];
    const cpu = () => ({
      replicas: cpuSecondsOf(replicas.map(r => r.pid)),
      database: options.db === 'postgres' ? postgresCpuSeconds() : undefined,
    });
    const cpuBefore = cpu();
    const started = performance.now();
    const raced = await race();
    const elapsedSeconds = (performance.now() - started) / 1000;
    const cpuAfter = cpu();

    const baselines = await Promise.all(
      replicas.map((replica, i) => {
        replica.send({
          type: 'baseline',
          table: BASELINE_TABLE,
          rowIds: Array.from(
            { length: options.concurrency },
            (_, w) => i * options.concurrency + w,
          ),
          seconds: options.baselineSeconds,
        });
        return replica.reply('baselined');
      }),
    );
    const baselineUpdatesPerSecond = baselines.reduce(
      (sum, b) => sum + b.updates / b.seconds,
      0,
    );

    const report = await checkClaimInvariants(knex);
    const limitAfter = await limit('after');
    const entries: RaceEntry[] = raced.flatMap(r => r.entries);
    const attempts: Record<string, number> = {};
    // A replica's counts are its totals: the warm-up's are taken off.
    for (const [r, sign] of [
      ...raced.map(counts => [counts, 1] as const),
      ...warmedUp.map(counts => [counts, -1] as const),
    ]) {
      for (const [outcome, n] of Object.entries(r.attempts)) {
        attempts[outcome] = (attempts[outcome] ?? 0) + sign * n;
      }
    }
    const conflicts = attempts.conflict ?? 0;
    const writes = (attempts.success ?? 0) + conflicts;
    const claimed = entries.filter(e => e.result.outcome === 'claimed').length;
    const latencies = entries.map(e => e.latencyMs).sort((a, b) => a - b);
    const claimsPerSecond = claimed / elapsedSeconds;
    const result = {
      db: options.db,
      mode: options.mode,
      replicas: options.replicas,
      replicaProcesses: true,
      connectionsPerReplica: options.poolSize,
      claimsInFlightPerReplica: options.concurrency,
      hosts: options.hosts,
      warmUpClaims: options.warmUp,
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
      ...limitFigures(claimsPerSecond, limitBefore, limitAfter),
      databaseCpuMsPerClaim: cpuMsPerClaim(
        cpuBefore.database,
        cpuAfter.database,
        claimed,
      ),
      replicaCpuMsPerClaim: cpuMsPerClaim(
        cpuBefore.replicas,
        cpuAfter.replicas,
        claimed,
      ),
      cpus: cpus().length,
      loadAverage: round(load, 2),
    };
    const versusLimit =
      result.throughputVsSqlClaim === undefined
        ? ' (no pgbench claim limit: pass --limit-script)'
        : `, ${result.throughputVsSqlClaim}x the one-statement SQL claim`;
    console.log(
      `${result.mode} on ${result.db}, ${result.replicas} replica processes: ` +
        `${claimed}/${result.machines} claimed in ${elapsedSeconds.toFixed(
          2,
        )} s, ` +
        `${round(result.conflictRate * 100, 2)}% conflicts, p95 ${
          result.p95Ms
        } ms, ` +
        `${result.throughputVsBaseline}x the baseline update rate${versusLimit}`,
    );
    if (result.databaseCpuMsPerClaim !== undefined) {
      console.log(
        `CPU a claim: ${result.databaseCpuMsPerClaim} ms in PostgreSQL, ${result.replicaCpuMsPerClaim} ms in the replicas`,
      );
    }
    console.log(JSON.stringify(result));
    if (result.doubleClaims || result.halfClaims) process.exitCode = 1;
  } finally {
    await Promise.all(replicas.map(r => r.stop()));
    await knex.destroy();
    await drop();
  }
}

/** The race's rate against the one-statement claim, taken before and after it. */
function limitFigures(
  claimsPerSecond: number,
  before?: ClaimLimit,
  after?: ClaimLimit,
): {
  sqlClaimTpsBefore?: number;
  sqlClaimTpsAfter?: number;
  sqlClaimDoubleClaims?: number;
  throughputVsSqlClaim?: number;
} {
  if (!before || !after) return {};
  const sqlClaimTps = (before.sqlClaimTps + after.sqlClaimTps) / 2;
  return {
    sqlClaimTpsBefore: round(before.sqlClaimTps),
    sqlClaimTpsAfter: round(after.sqlClaimTps),
    sqlClaimDoubleClaims: before.doubleClaims + after.doubleClaims,
    throughputVsSqlClaim: round(claimsPerSecond / sqlClaimTps, 3),
  };
}

/** CPU milliseconds per claim over the timed race; undefined where not read. */
function cpuMsPerClaim(
  before: number | undefined,
  after: number | undefined,
  claimed: number,
): number | undefined {
  if (before === undefined || after === undefined || !claimed) return undefined;
  return round(((after - before) * 1000) / claimed, 3);
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
