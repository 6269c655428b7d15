import { Knex } from 'knex';
import { HOSTS_TABLE } from '../database/hostRows';
import { HostEventStore } from '../database/HostEventStore';
import { MACHINES_TABLE } from '../database/machineRows';
import { isUniqueViolation } from '../database/errors';
import { ClaimConflictReason } from '../metrics';

/** A claim write lost: the caller must roll back its transaction. */
export class ClaimLostError extends Error {
  constructor(
    readonly reason: Exclude<ClaimConflictReason, 'none'> | 'machine_taken',
  ) {
    super(`claim lost: ${reason}`);
    this.name = 'ClaimLostError';
  }
}

/**
 * Writes one claim inside `trx`: the host becomes `Claimed` by the machine
 * (only if it is still `Available`, and still at `version` when given) and
 * the machine points at the host (only if it is still `Pending` without
 * one), and the change is recorded. Throws ClaimLostError when either
 * condition fails, after which the transaction must be rolled back.
 */
export async function writeClaim(
  trx: Knex.Transaction,
  machineId: string,
  host: { id: string; version?: number },
): Promise<void> {
  const now = new Date();
  const hostQuery = trx(HOSTS_TABLE)
    .where({ id: host.id, state: 'Available' })
    .whereNull('consumer_id');
  if (host.version !== undefined) hostQuery.where('version', host.version);
  try {
    const hostsUpdated = await hostQuery.update({
      state: 'Claimed',
      consumer_id: machineId,
      version: trx.raw('version + 1'),
      updated_at: now,
    });
    if (hostsUpdated !== 1) {
      throw new ClaimLostError(await classifyHostConflict(trx, host));
    }
    const machinesUpdated = await trx(MACHINES_TABLE)
      .where({ id: machineId, phase: 'Pending' })
      .whereNull('host_id')
      .update({ host_id: host.id, phase: 'Claimed', updated_at: now });
    if (machinesUpdated !== 1) throw new ClaimLostError('machine_taken');
  } catch (error) {
    // The unique constraints caught what the conditions above let through.
    if (isUniqueViolation(error)) throw new ClaimLostError('already_claimed');
    throw error;
  }
  await new HostEventStore(trx).record({
    hostId: host.id,
    fromState: 'Available',
    toState: 'Claimed',
    reason: 'Claimed',
    message: `claimed by machine ${machineId}`,
  });
}

/** Why a conditional claim of the host matched no row. */
async function classifyHostConflict(
  db: Knex,
  host: { id: string; version?: number },
): Promise<Exclude<ClaimConflictReason, 'none'>> {
  const row = await db(HOSTS_TABLE)
    .select('state', 'version', 'consumer_id')
    .where({ id: host.id })
    .first();
  if (!row) return 'invalid_state';
  if (row.consumer_id || row.state === 'Claimed') return 'already_claimed';
  if (row.state !== 'Available') return 'invalid_state';
  return 'optimistic_lock';
}
