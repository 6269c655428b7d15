import { HostState } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
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

const CHUNK = 200;
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

async function insertChunked(knex: Knex, table: string, rows: object[]) {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await knex(table).insert(rows.slice(i, i + CHUNK));
  }
}

/**
 * Fills the inventory the way a large fleet looks after months: `count`
 * hosts over 20 pools and six vendors with labels and tags, a machine for
 * every held host, four state changes per host and a finished job per
 * provisioned host. Written in bulk; the API reads it like any other.
 */
export async function fillScaleInventory(knex: Knex, count: number) {
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
  await insertChunked(
    knex,
    HOSTS_TABLE,
    hosts.map(h => ({ ...h, consumer_id: consumerOf.get(h.id) ?? null })),
  );
  await insertChunked(knex, MACHINES_TABLE, machines);

  const path: Array<[HostState | null, HostState]> = [
    [null, 'Enrolling'],
    ['Enrolling', 'Available'],
    ['Available', 'Claimed'],
    ['Claimed', 'Provisioning'],
  ];
  await insertChunked(
    knex,
    HOST_EVENTS_TABLE,
    hosts.flatMap((h, i) =>
      path.map(([from, to], step) => ({
        host_id: h.id,
        from_state: from,
        to_state: to,
        reason: 'Scale',
        message: null,
        created_at: new Date(now - (90 - step) * 86_400_000 + i),
      })),
    ),
  );
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
