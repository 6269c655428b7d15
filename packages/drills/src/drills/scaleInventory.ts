import { HostState } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { isPostgres } from '../../../../plugins/beskar7-backend/src/database/dialect';
import { HOST_EVENTS_TABLE } from '../../../../plugins/beskar7-backend/src/database/HostEventStore';
import {
  HOSTS_TABLE,
  hostRingColumns,
  hostSpecToColumns,
} from '../../../../plugins/beskar7-backend/src/database/hostRows';
import {
  MACHINES_TABLE,
  machineSpecToColumns,
} from '../../../../plugins/beskar7-backend/src/database/machineRows';
import { JOBS_TABLE } from '../../../../plugins/beskar7-backend/src/queue/jobRows';

/** Bound parameters per INSERT: under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_BINDINGS = 30_000;
const VENDORS = ['Dell Inc.', 'HPE', 'Lenovo', 'Supermicro', 'AMI', 'Fujitsu'];
export const SCALE_POOLS = 20;

/** The state of host `i`: most in use, some free, a few in trouble. */
function stateOf(i: number): HostState {
  const r = i % 100;
  if (r < 55) return 'Provisioned';
  if (r < 85) return 'Available';
  if (r < 90) return 'Claimed';
  if (r < 94) return 'Provisioning';
  if (r < 96) return 'Deprovisioning';
  if (r < 98) return 'Enrolling';
  return 'Error';
}

/** Large multi-row INSERTs: a 100,000-host fill is a few dozen statements, not thousands. */
async function insertChunked(knex: Knex, table: string, rows: object[]) {
  if (rows.length === 0) return;
  const byBindings = Math.floor(MAX_BINDINGS / Object.keys(rows[0]).length);
  // Knex writes SQLite's multi-row INSERT as a compound SELECT: 500 terms at most.
  const chunk = isPostgres(knex) ? byBindings : Math.min(byBindings, 500);
  for (let i = 0; i < rows.length; i += chunk) {
    await knex(table).insert(rows.slice(i, i + chunk));
  }
}

/**
 * On PostgreSQL, drops the table's plain indexes (not those of its keys),
 * runs `write`, and creates them again from their own definitions: one sorted
 * build per index instead of 100,000 trigram and JSON GIN updates (minutes
 * under load). Inside the fill's transaction, so nobody sees the table
 * without them.
 */
async function withIndexesBuiltAfter(
  knex: Knex,
  table: string,
  write: () => Promise<void>,
) {
  if (!isPostgres(knex)) {
    await write();
    return;
  }
  const { rows } = await knex.raw(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
     WHERE i.schemaname = current_schema() AND i.tablename = ?
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                       WHERE c.conname = i.indexname)`,
    [table],
  );
  for (const { indexname } of rows) {
    await knex.raw('DROP INDEX ??', [indexname]);
  }
  await write();
  await knex.raw("SET LOCAL maintenance_work_mem = '128MB'");
  for (const { indexdef } of rows) await knex.raw(indexdef);
}

/**
 * Four state changes per host, written by one INSERT ... SELECT over the
 * hosts table: 400,000 events in one statement. Host `i` is `node-<i>`; its
 * events are 89-86 days old, `i` ms apart between hosts, in host order.
 */
async function insertEvents(knex: Knex, now: number) {
  const at = isPostgres(knex)
    ? 'to_timestamp((CAST(? AS bigint) - (90 - p.step) * CAST(86400000 AS bigint) + h.i) / 1000.0)'
    : '(? - (90 - p.step) * 86400000 + h.i)';
  await knex.raw(
    `WITH p(step, from_state, to_state) AS (VALUES
       (0, NULL, 'Enrolling'), (1, 'Enrolling', 'Available'),
       (2, 'Available', 'Claimed'), (3, 'Claimed', 'Provisioning')),
     h AS (SELECT id, CAST(substr(name, 6) AS INTEGER) AS i FROM ${HOSTS_TABLE})
     INSERT INTO ${HOST_EVENTS_TABLE}
       (host_id, from_state, to_state, reason, message, created_at)
     SELECT h.id, p.from_state, p.to_state, 'Scale', NULL, ${at}
     FROM h CROSS JOIN p ORDER BY h.i, p.step`,
    [now],
  );
}

/**
 * Fills the inventory the way a large fleet looks after months: `count`
 * hosts over 20 pools and six vendors with labels and tags, a machine for
 * every held host, four state changes per host and a finished job per
 * provisioned host. Written in bulk in one transaction, so a kept database
 * holds either the whole inventory or none of it; the API reads it like any
 * other.
 */
export async function fillScaleInventory(db: Knex, count: number) {
  return db.transaction(knex => fill(knex, count));
}

async function fill(knex: Knex, count: number) {
  const now = Date.now();
  const hosts = Array.from({ length: count }, (_, i) => {
    const state = stateOf(i);
    const vendor = VENDORS[i % VENDORS.length];
    const name = `node-${String(i).padStart(5, '0')}`;
    const namespace = i % 10 === 0 ? 'edge' : 'default';
    return {
      id: randomUUID(),
      name,
      namespace,
      ...hostRingColumns(knex, { namespace, name }),
      ...hostSpecToColumns({
        pool: `pool-${String(i % SCALE_POOLS).padStart(2, '0')}`,
        labels: {
          rack: `r${i % 250}`,
          zone: `zone-${i % 3}`,
          'topology.kubernetes.io/region': i % 2 ? 'eu-west' : 'us-east',
        },
        tags: [i % 7 === 0 ? 'gpu' : 'cpu', ...(i % 11 === 0 ? ['nvme'] : [])],
        failureDomain: `zone-${i % 3}`,
        hardware: {
          manufacturer: vendor,
          model: `${vendor.split(' ')[0]} R${640 + (i % 5) * 10}`,
          serialNumber: `SN${String(i * 7919).padStart(9, '0')}`,
          cpuCores: 32 * (1 + (i % 4)),
          memoryGiB: 128 * (1 + (i % 8)),
          diskGiB: 960 * (1 + (i % 4)),
          macAddresses: [
            `02:00:00:${[i >> 16, (i >> 8) & 255, i & 255]
              .map(b => b.toString(16).padStart(2, '0'))
              .join(':')}`,
          ],
        },
        bmc: {
          address: `https://10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          credentialsRef: `rack-${i % 250}`,
          insecureSkipVerify: false,
        },
      }),
      state,
      error_message:
        state === 'Error'
          ? 'provision failed after 3 attempts: BMC did not answer'
          : null,
      version: 4,
      created_at: new Date(now - 90 * 86_400_000),
      updated_at: new Date(now - (i % 1000) * 60_000),
    };
  });
  const held: HostState[] = ['Claimed', 'Provisioning', 'Provisioned'];
  const machines = hosts
    .filter(h => held.includes(h.state))
    .map((h, i) => ({
      id: randomUUID(),
      name: `machine-${String(i).padStart(5, '0')}`,
      namespace: 'default',
      ...machineSpecToColumns({
        requirements: { pool: h.pool as string },
        imageUrl: 'https://images.example/flatcar.iso',
        configUrl: `https://config.example/${i}.yaml`,
        osFamily: 'flatcar',
        provisioningMode: 'RemoteConfig',
        bootMode: 'UEFI',
      }),
      phase: h.state,
      host_id: h.id,
      created_at: new Date(now - 30 * 86_400_000),
      updated_at: new Date(now - 29 * 86_400_000),
    }));
  const consumerOf = new Map(machines.map(m => [m.host_id, m.id]));
  await withIndexesBuiltAfter(knex, HOSTS_TABLE, () =>
    insertChunked(
      knex,
      HOSTS_TABLE,
      hosts.map(h => ({ ...h, consumer_id: consumerOf.get(h.id) ?? null })),
    ),
  );
  await insertChunked(knex, MACHINES_TABLE, machines);

  await insertEvents(knex, now);
  await insertChunked(
    knex,
    JOBS_TABLE,
    hosts
      .filter(h => h.state === 'Provisioned')
      .map(h => ({
        id: randomUUID(),
        host_id: h.id,
        machine_id: consumerOf.get(h.id),
        operation: 'provision',
        bmc_address: h.bmc_address,
        vendor: h.manufacturer,
        status: 'succeeded',
        attempt: 1,
        max_attempts: 3,
        not_before_ms: now - 29 * 86_400_000,
        created_at_ms: now - 29 * 86_400_000,
        started_at_ms: now - 29 * 86_400_000,
        finished_at_ms: now - 29 * 86_400_000 + 90_000,
      })),
  );
  return { hosts: hosts.length, machines: machines.length };
}

/** What a kept scale database already holds. */
export async function countScaleInventory(knex: Knex) {
  const [{ hosts }] = await knex(HOSTS_TABLE).count({ hosts: '*' });
  const [{ machines }] = await knex(MACHINES_TABLE).count({ machines: '*' });
  return { hosts: Number(hosts), machines: Number(machines) };
}
