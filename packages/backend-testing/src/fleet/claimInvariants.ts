import { Knex } from 'knex';
import { HOSTS_TABLE } from '../../../../plugins/beskar7-backend/src/database/hostRows';
import { MACHINES_TABLE } from '../../../../plugins/beskar7-backend/src/database/machineRows';

/** What the database says about claims; every list must be empty. */
export interface ClaimInvariantReport {
  /** Hosts that two or more machines point at. */
  doubleClaims: string[];
  /** A host held without its machine pointing back, or the reverse. */
  halfClaims: string[];
  /** Hosts in a held state without a consumer, or free with one. */
  inconsistentHosts: string[];
}

const HELD_STATES = [
  'Claimed',
  'Provisioning',
  'Provisioned',
  'Deprovisioning',
];

/** Reads all hosts and machines and checks the claim invariants. */
export async function checkClaimInvariants(
  knex: Knex,
): Promise<ClaimInvariantReport> {
  const hosts: Array<{
    id: string;
    state: string;
    consumer_id: string | null;
  }> = await knex(HOSTS_TABLE).select('id', 'state', 'consumer_id');
  const machines: Array<{ id: string; phase: string; host_id: string | null }> =
    await knex(MACHINES_TABLE).select('id', 'phase', 'host_id');
  const hostById = new Map(hosts.map(h => [h.id, h]));
  const machineById = new Map(machines.map(m => [m.id, m]));

  const holders = new Map<string, string[]>();
  for (const m of machines) {
    if (m.host_id)
      holders.set(m.host_id, [...(holders.get(m.host_id) ?? []), m.id]);
  }
  const doubleClaims = [...holders]
    .filter(([, ids]) => ids.length > 1)
    .map(([hostId, ids]) => `host ${hostId} held by ${ids.join(', ')}`);

  const halfClaims: string[] = [];
  for (const m of machines) {
    if (m.host_id && hostById.get(m.host_id)?.consumer_id !== m.id) {
      halfClaims.push(
        `machine ${m.id} points at host ${m.host_id}, which does not point back`,
      );
    }
    if (!m.host_id && m.phase === 'Claimed') {
      halfClaims.push(`machine ${m.id} is Claimed without a host`);
    }
  }
  for (const h of hosts) {
    if (h.consumer_id && machineById.get(h.consumer_id)?.host_id !== h.id) {
      halfClaims.push(
        `host ${h.id} held by ${h.consumer_id}, which does not point back`,
      );
    }
  }

  const inconsistentHosts = hosts
    .filter(h => HELD_STATES.includes(h.state) !== Boolean(h.consumer_id))
    .map(h => `host ${h.id} is ${h.state} with consumer ${h.consumer_id}`);

  return { doubleClaims, halfClaims, inconsistentHosts };
}
