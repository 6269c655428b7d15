import { HostState } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  PROFILE_DEFAULTS,
  ProvisioningConfig,
} from '../../../../plugins/beskar7-backend/src/config';
import {
  HOSTS_TABLE,
  hostRingColumns,
  hostSpecToColumns,
} from '../../../../plugins/beskar7-backend/src/database/hostRows';

export interface TestHost {
  id: string;
  name: string;
  bmcAddress: string;
}

/**
 * Inserts hosts in `state`; `bmcCount` below `count` puts several hosts
 * behind one BMC address (a chassis), which makes cooldowns bite.
 */
export async function insertHosts(
  knex: Knex,
  options: {
    count: number;
    bmcCount?: number;
    state?: HostState;
    prefix?: string;
  },
): Promise<TestHost[]> {
  const {
    count,
    bmcCount = count,
    state = 'Available',
    prefix = 'h',
  } = options;
  const now = new Date();
  const hosts = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    name: `${prefix}-${String(i).padStart(4, '0')}`,
    bmcAddress: `https://bmc-${i % bmcCount}.test`,
  }));
  const rows = hosts.map(h => ({
    id: h.id,
    name: h.name,
    namespace: 'default',
    ...hostRingColumns(knex, { namespace: 'default', name: h.name }),
    ...hostSpecToColumns({
      pool: 'default',
      labels: {},
      tags: [],
      hardware: { manufacturer: 'Dell Inc.', cpuCores: 16, macAddresses: [] },
      bmc: {
        // Hosts of one BMC are its systems.
        address: `${h.bmcAddress}/redfish/v1/Systems/${h.name}`,
        credentialsRef: 'test',
        insecureSkipVerify: false,
      },
    }),
    state,
    version: 0,
    created_at: now,
    updated_at: now,
  }));
  for (let i = 0; i < rows.length; i += 200) {
    await knex(HOSTS_TABLE).insert(rows.slice(i, i + 200));
  }
  return hosts;
}

/** The development profile with times short enough for tests. */
export function testProvisioningConfig(
  overrides: Partial<ProvisioningConfig> = {},
): ProvisioningConfig {
  return {
    ...structuredClone(PROFILE_DEFAULTS.development),
    profile: 'development',
    pollIntervalMs: 20,
    leaseDurationMs: 2_000,
    bmcCooldownMs: 0,
    operationTimeoutMs: 10_000,
    retry: { maxRetries: 2, initialBackoffMs: 20, maxBackoffMs: 100 },
    stuckStateTimeoutMs: 60_000,
    reconcileIntervalMs: 100,
    ...overrides,
  };
}
