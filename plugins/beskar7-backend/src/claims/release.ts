import { ConflictError, NotFoundError } from '@backstage/errors';
import { HostState } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { CLAIM_REQUESTS_TABLE } from '../database/ClaimRequestStore';
import { HOSTS_TABLE } from '../database/hostRows';
import { HostEventStore } from '../database/HostEventStore';
import { MACHINES_TABLE, MachineRow } from '../database/machineRows';
import { ReleaseResult } from './types';

/** Host states a claimed host may be released from. */
const RELEASABLE_HOST_STATES: HostState[] = [
  'Claimed',
  'Provisioning',
  'Provisioned',
  'Error',
];

/**
 * Releases a machine's claim in one transaction: its host goes to
 * `Deprovisioning` (still held by the machine, so nobody can claim it while
 * the BMC work runs) and the machine to `Releasing`. A machine that never
 * got a host is simply `Released`. Idempotent.
 */
export async function releaseClaim(
  knex: Knex,
  machineId: string,
): Promise<ReleaseResult> {
  return knex.transaction(async trx => {
    const machine = await trx<MachineRow>(MACHINES_TABLE)
      .where({ id: machineId })
      .first();
    if (!machine) throw new NotFoundError(`Machine ${machineId} not found`);
    const now = new Date();

    if (!machine.host_id) {
      if (machine.phase !== 'Released') {
        await trx(MACHINES_TABLE)
          .where({ id: machineId })
          .whereNull('host_id')
          .update({ phase: 'Released', updated_at: now });
        await trx(CLAIM_REQUESTS_TABLE)
          .where({ machine_id: machineId })
          .delete();
      }
      return { machineId, phase: 'Released' };
    }
    if (machine.phase === 'Releasing') {
      return { machineId, phase: 'Releasing', hostId: machine.host_id };
    }

    const host = await trx(HOSTS_TABLE)
      .select('state')
      .where({ id: machine.host_id, consumer_id: machineId })
      .first();
    if (!host || !RELEASABLE_HOST_STATES.includes(host.state)) {
      throw new ConflictError(
        `Host ${
          machine.host_id
        } of machine ${machineId} cannot be released from state ${
          host?.state ?? 'unknown'
        }`,
      );
    }
    const updated = await trx(HOSTS_TABLE)
      .where({ id: machine.host_id, consumer_id: machineId, state: host.state })
      .update({
        state: 'Deprovisioning',
        version: trx.raw('version + 1'),
        updated_at: now,
      });
    if (updated !== 1) {
      throw new ConflictError(
        `Host ${machine.host_id} changed while releasing machine ${machineId}`,
      );
    }
    await trx(MACHINES_TABLE)
      .where({ id: machineId })
      .update({ phase: 'Releasing', updated_at: now });
    await new HostEventStore(trx).record({
      hostId: machine.host_id,
      fromState: host.state,
      toState: 'Deprovisioning',
      reason: 'Released',
      message: `released by machine ${machineId}`,
    });
    return { machineId, phase: 'Releasing', hostId: machine.host_id };
  });
}

/**
 * Ends a release once the host is clean (the provisioning queue calls it
 * after the BMC work): the host becomes `Available` again, without a
 * consumer, and its machine `Released`, in one transaction.
 */
export async function completeRelease(
  knex: Knex,
  hostId: string,
): Promise<void> {
  await knex.transaction(async trx => {
    const now = new Date();
    const updated = await trx(HOSTS_TABLE)
      .where({ id: hostId, state: 'Deprovisioning' })
      .update({
        state: 'Available',
        consumer_id: null,
        error_message: null,
        version: trx.raw('version + 1'),
        updated_at: now,
      });
    if (updated !== 1) {
      throw new ConflictError(`Host ${hostId} is not Deprovisioning`);
    }
    await trx(MACHINES_TABLE)
      .where({ host_id: hostId })
      .update({ host_id: null, phase: 'Released', updated_at: now });
    await new HostEventStore(trx).record({
      hostId,
      fromState: 'Deprovisioning',
      toState: 'Available',
      reason: 'Deprovisioned',
    });
  });
}
