import { HostRequirements } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  HOSTS_TABLE,
  hostRingColumns,
  hostSpecToColumns,
} from '../../../../plugins/beskar7-backend/src/database/hostRows';
import {
  MACHINES_TABLE,
  machineSpecToColumns,
} from '../../../../plugins/beskar7-backend/src/database/machineRows';

export interface FleetHost {
  id: string;
  name: string;
  pool: string;
}

export interface FleetMachine {
  id: string;
  name: string;
  requirements: HostRequirements;
}

export interface FleetHostDescription {
  pool?: string;
  labels?: Record<string, string>;
  tags?: string[];
}

const INSERT_CHUNK = 200;

/**
 * Inserts `count` Available hosts straight into the table (fast enough for
 * benchmarks of thousands). `pool` and `labels` may vary with the index.
 */
export async function insertAvailableHosts(
  knex: Knex,
  options: {
    count: number;
    /** Name prefix, to keep names unique across calls (default `host`). */
    prefix?: string;
    describe?: (index: number) => FleetHostDescription;
  },
): Promise<FleetHost[]> {
  const { count, prefix = 'host' } = options;
  const describe = options.describe ?? ((): FleetHostDescription => ({}));
  const now = new Date();
  const hosts = Array.from({ length: count }, (_, index) => {
    const { pool = 'default', labels = {}, tags = [] } = describe(index);
    return {
      id: randomUUID(),
      name: `${prefix}-${String(index).padStart(5, '0')}`,
      pool,
      labels,
      tags,
    };
  });
  const rows = hosts.map(h => ({
    id: h.id,
    name: h.name,
    namespace: 'default',
    ...hostRingColumns(knex, { namespace: 'default', name: h.name }),
    ...hostSpecToColumns({
      pool: h.pool,
      labels: h.labels,
      tags: h.tags,
      hardware: {
        cpuCores: 32,
        memoryGiB: 256,
        diskGiB: 1024,
        macAddresses: [],
      },
      bmc: {
        address: `https://bmc-${h.name}.test`,
        credentialsRef: 'bmc-default',
        insecureSkipVerify: false,
      },
    }),
    state: 'Available',
    version: 0,
    created_at: now,
    updated_at: now,
  }));
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await knex(HOSTS_TABLE).insert(rows.slice(i, i + INSERT_CHUNK));
  }
  return hosts.map(({ id, name, pool }) => ({ id, name, pool }));
}

/** Inserts `count` Pending machines; `requirements` may vary with the index. */
export async function insertPendingMachines(
  knex: Knex,
  options: {
    count: number;
    /** Name prefix, to keep names unique across calls (default `machine`). */
    prefix?: string;
    requirements?: (index: number) => HostRequirements;
  },
): Promise<FleetMachine[]> {
  const { count, prefix = 'machine', requirements = () => ({}) } = options;
  const now = new Date();
  const machines = Array.from({ length: count }, (_, index) => ({
    id: randomUUID(),
    name: `${prefix}-${String(index).padStart(5, '0')}`,
    requirements: requirements(index),
  }));
  const rows = machines.map(m => ({
    id: m.id,
    name: m.name,
    namespace: 'default',
    ...machineSpecToColumns({
      requirements: m.requirements,
      imageUrl: 'https://images.test/kairos.iso',
      osFamily: 'kairos',
      provisioningMode: 'RemoteConfig',
      bootMode: 'UEFI',
    }),
    phase: 'Pending',
    created_at: now,
    updated_at: now,
  }));
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await knex(MACHINES_TABLE).insert(rows.slice(i, i + INSERT_CHUNK));
  }
  return machines;
}
