/*
 * Data side of the backup and restore drill (scripts/backup-restore-drill.sh).
 *
 *   fill   <connection string> [--hosts N] [--machines M]
 *     migrates an empty database and fills it through the plugin's own code
 *     (registration, inventory transitions, claims, the provisioning queue,
 *     releases, runbook runs, the replica list); prints its fingerprint as
 *     the last line (JSON).
 *   verify <connection string> <fingerprint file>
 *     reads the restored database's fingerprint, compares it with the one
 *     taken before the dump, checks the claim invariants and that the
 *     restored schema is current and writable; prints a JSON line and exits
 *     non-zero on any difference.
 *
 * PostgreSQL only: the fingerprint hashes every row of every beskar7 table.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { Knex, knex as createKnex } from 'knex';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createClaimCoordinator } from '../../../../plugins/beskar7-backend/src/claims/createClaimCoordinator';
import { validateProvisioningConfig } from '../../../../plugins/beskar7-backend/src/config';
import { HostStore } from '../../../../plugins/beskar7-backend/src/database/HostStore';
import { applyDatabaseMigrations } from '../../../../plugins/beskar7-backend/src/database/migrations';
import { MachineStore } from '../../../../plugins/beskar7-backend/src/database/MachineStore';
import { applyHostTransition } from '../../../../plugins/beskar7-backend/src/lifecycle/applyHostTransition';
import { createBeskar7Metrics } from '../../../../plugins/beskar7-backend/src/metrics';
import { ProvisioningQueue } from '../../../../plugins/beskar7-backend/src/queue';
import { ReplicaHeartbeat } from '../../../../plugins/beskar7-backend/src/replicas/ReplicaHeartbeat';
import { RunbookRunStore } from '../../../../plugins/beskar7-backend/src/runbooks/RunbookRunStore';
import {
  checkClaimInvariants,
  ClaimInvariantReport,
} from '@beskar7/backend-testing/fleet';
import { parseBmcEndpoint } from '../../../../plugins/beskar7-backend/src/redfish/bmcEndpoint';

interface Fingerprint {
  /** Rows and an md5 of their text form, per table. */
  tables: Record<string, { rows: number; md5: string }>;
  invariants: ClaimInvariantReport;
  claimedHosts: number;
}

const quietLogger: LoggerService = {
  error: (m: string) => console.error(m),
  warn: (m: string) => console.error(m),
  info: () => {},
  debug: () => {},
  child: () => quietLogger,
};

const MIGRATIONS_TABLE = 'beskar7_knex_migrations';

async function fingerprint(knex: Knex): Promise<Fingerprint> {
  const { rows: names } = await knex.raw(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_name LIKE 'beskar7\\_%'
      ORDER BY table_name`,
  );
  const tables: Fingerprint['tables'] = {};
  for (const { table_name: name } of names as Array<{ table_name: string }>) {
    const { rows } = await knex.raw(
      `SELECT count(*)::int AS rows,
              coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS md5
         FROM ?? t`,
      [name],
    );
    tables[name] = rows[0];
  }
  const [{ count }] = await knex('beskar7_hosts')
    .whereNotNull('consumer_id')
    .count({ count: '*' });
  return {
    tables,
    invariants: await checkClaimInvariants(knex),
    claimedHosts: Number(count),
  };
}

async function inBatches<T>(
  items: T[],
  size: number,
  fn: (item: T, index: number) => Promise<unknown>,
) {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map((x, j) => fn(x, i + j)));
  }
}

async function fill(knex: Knex, hostCount: number, machineCount: number) {
  await applyDatabaseMigrations(knex);
  const hosts = new HostStore(knex);
  const registered = await Promise.all(
    Array.from({ length: hostCount }, (_, i) =>
      hosts.create({
        name: `drill-${String(i).padStart(5, '0')}`,
        namespace: 'default',
        pool: i % 3 === 0 ? 'gpu' : 'general',
        labels: { rack: `r${i % 8}` },
        tags: i % 5 === 0 ? ['nvme'] : [],
        hardware: { cpuCores: 32, memoryGiB: 256, diskGiB: 1024 },
        // Hosts share a BMC two by two, as blades in a chassis do: one system each.
        bmc: {
          address: `https://bmc-${Math.floor(
            i / 2,
          )}.drill.test/redfish/v1/Systems/${(i % 2) + 1}`,
          credentialsRef: 'rack-a',
        },
      }),
    ),
  );
  // Inventory read for all but a few, which stay Enrolling; some fail.
  const enrolled = registered.slice(0, hostCount - 5);
  await inBatches(enrolled, 16, host =>
    applyHostTransition(knex, {
      hostId: host.id,
      to: 'Available',
      reason: 'InventoryRead',
      inventoryRead: true,
    }),
  );
  await inBatches(enrolled.slice(-5), 5, host =>
    applyHostTransition(knex, {
      hostId: host.id,
      to: 'Error',
      reason: 'InspectionFailed',
      message: 'BMC answered 503',
    }),
  );

  const machines = new MachineStore(knex);
  const requested = await Promise.all(
    Array.from({ length: machineCount }, (_, i) =>
      machines.create({
        name: `drill-machine-${String(i).padStart(5, '0')}`,
        namespace: 'default',
        requirements: i % 4 === 0 ? { pool: 'gpu' } : {},
        imageUrl: 'https://images.drill.test/kairos.iso',
        osFamily: 'kairos',
        provisioningMode: 'RemoteConfig',
        bootMode: 'UEFI',
      }),
    ),
  );
  const claims = createClaimCoordinator({
    mode: 'optimistic',
    knex,
    metrics: createBeskar7Metrics(),
  });
  const claimed: Array<{ machineId: string; hostId: string }> = [];
  await inBatches(requested, 8, async machine => {
    const result = await claims.claim(machine.id);
    if (result.outcome === 'claimed') {
      claimed.push({ machineId: machine.id, hostId: result.hostId });
    }
  });

  // Provisioning jobs: some run to the end, the rest stay queued.
  const config = validateProvisioningConfig({
    maxConcurrentOps: 20,
    workerCount: 8,
    bmcCooldownPeriod: '0s',
    pollInterval: '20ms',
    maxQueueSize: 100000,
  });
  if (!config.ok) throw new Error(JSON.stringify(config.errors));
  const queue = new ProvisioningQueue({
    knex,
    config: config.config,
    logger: quietLogger,
    replicaId: 'drill-replica',
    handler: { run: async () => {}, giveUp: async () => {} },
  });
  const bmcOf = new Map(
    registered.map(h => [h.id, parseBmcEndpoint(h.bmc.address).endpoint]),
  );
  const enqueue = (c: { machineId: string; hostId: string }) =>
    queue.enqueue({
      hostId: c.hostId,
      machineId: c.machineId,
      operation: 'provision',
      bmcAddress: bmcOf.get(c.hostId)!,
      vendor: 'dell',
    });
  const run = claimed.slice(0, Math.floor(claimed.length / 2));
  await inBatches(run, 16, enqueue);
  queue.start();
  await eventually(
    () => queue.status(),
    status => status.length === 0 && status.processing === 0,
    { what: 'the queue to run its jobs', intervalMs: 50 },
  );
  await queue.stop();
  await inBatches(claimed.slice(run.length), 16, enqueue);

  await inBatches(claimed.slice(0, 10), 5, c => claims.release(c.machineId));

  const runs = new RunbookRunStore(knex);
  for (let i = 0; i < 5; i++) {
    const id = randomUUID();
    await runs.create({
      id,
      runbookId: 'quick-health-check',
      dryRun: i % 2 === 0,
      startedBy: 'user:default/drill',
      parameters: {},
      nowMs: Date.now(),
    });
    await runs.beginStep(
      id,
      { stepIndex: 0, stepId: 'diagnostics', attempt: 1, actor: 'drill' },
      Date.now(),
    );
  }

  const heartbeat = new ReplicaHeartbeat({
    knex,
    replicaId: 'drill-replica',
    mode: 'optimistic',
    believesLeader: () => false,
    logger: quietLogger,
    intervalMs: 3_600_000,
  });
  await heartbeat.start();
}

/** What changed between two fingerprints, in words; empty when equal. */
function differences(before: Fingerprint, after: Fingerprint): string[] {
  const problems: string[] = [];
  const names = new Set([
    ...Object.keys(before.tables),
    ...Object.keys(after.tables),
  ]);
  for (const name of names) {
    const a = before.tables[name];
    const b = after.tables[name];
    if (!a || !b) problems.push(`table ${name} missing on one side`);
    else if (a.rows !== b.rows)
      problems.push(`${name}: ${a.rows} rows before, ${b.rows} after`);
    else if (a.md5 !== b.md5) problems.push(`${name}: same rows, other data`);
  }
  const invariantProblems = Object.values(after.invariants).flat();
  problems.push(...invariantProblems.slice(0, 10));
  if (before.claimedHosts === 0) problems.push('the filled data had no claim');
  return problems;
}

/** The restored schema is current, and a claim still writes (sequences restored). */
async function restoredIsWritable(knex: Knex): Promise<string[]> {
  const [, pending] = (await knex.migrate.list({
    directory: `${__dirname}/../../../../plugins/beskar7-backend/migrations`,
    tableName: MIGRATIONS_TABLE,
  })) as [unknown[], unknown[]];
  const problems = pending.length
    ? [`${pending.length} migrations not applied after restore`]
    : [];
  const machine = await new MachineStore(knex).create({
    name: `after-restore-${randomUUID().slice(0, 8)}`,
    namespace: 'default',
    requirements: {},
    imageUrl: 'https://images.drill.test/kairos.iso',
    osFamily: 'kairos',
    provisioningMode: 'RemoteConfig',
    bootMode: 'UEFI',
  });
  const result = await createClaimCoordinator({
    mode: 'optimistic',
    knex,
    metrics: createBeskar7Metrics(),
  }).claim(machine.id);
  if (result.outcome !== 'claimed') {
    problems.push(`a claim after restore answered ${result.outcome}`);
  }
  const after = await checkClaimInvariants(knex);
  problems.push(...Object.values(after).flat().slice(0, 10));
  return problems;
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      hosts: { type: 'string', default: '600' },
      machines: { type: 'string', default: '500' },
    },
  });
  const [command, connection, expectedFile] = positionals;
  if (!connection || (command !== 'fill' && command !== 'verify')) {
    throw new Error(
      'usage: backupData.ts fill <pg url> | verify <pg url> <fingerprint file>',
    );
  }
  const knex = createKnex({ client: 'pg', connection, pool: { max: 8 } });
  try {
    if (command === 'fill') {
      await fill(knex, Number(values.hosts), Number(values.machines));
      console.log(JSON.stringify(await fingerprint(knex)));
      return;
    }
    const before: Fingerprint = JSON.parse(
      readFileSync(expectedFile, 'utf8').trim().split('\n').pop()!,
    );
    const after = await fingerprint(knex);
    const problems = [
      ...differences(before, after),
      ...(await restoredIsWritable(knex)),
    ];
    console.log(
      JSON.stringify({
        tables: Object.keys(after.tables).length,
        rows: Object.values(after.tables).reduce((n, t) => n + t.rows, 0),
        claimedHosts: after.claimedHosts,
        doubleClaims: after.invariants.doubleClaims.length,
        problems,
      }),
    );
    if (problems.length) process.exitCode = 1;
  } finally {
    await knex.destroy();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
