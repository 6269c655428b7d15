import { ConflictError, NotFoundError } from '@backstage/errors';
import { HostState } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { HostEventStore } from '../database/HostEventStore';
import { HOSTS_TABLE, HostRow } from '../database/hostRows';
import { MACHINES_TABLE } from '../database/machineRows';
import { QueueMetrics } from '../metrics/queueMetrics';
import { InvalidTransitionError } from './errors';
import { checkTransition } from './transitions';

export interface HostTransitionRequest {
  hostId: string;
  to: HostState;
  /** Short machine-readable reason, recorded with the event (e.g. `ProvisioningFailed`). */
  reason: string;
  /** Readable detail; for Error it becomes the host's error message. */
  message?: string;
  /** Apply only if the host is in one of these states (what the caller saw). */
  from?: HostState | HostState[];
  /** Apply only if the host is still at this version. */
  expectedVersion?: number;
  inventoryRead?: boolean;
  recovery?: boolean;
  /** More host columns written with the change (e.g. hardware read at inspection). */
  columns?: Record<string, unknown>;
  /** Further writes in the same transaction (the machine's phase). */
  alsoWithin?(trx: Knex.Transaction, host: HostRow): Promise<void>;
}

export interface AppliedTransition {
  hostId: string;
  from: HostState;
  to: HostState;
  version: number;
}

/**
 * Applies one transition of the table: checks it and its guard against the
 * stored host, writes the host only if nobody changed it since it was read
 * (version check), and records the event, all in one transaction.
 *
 * The row is read before the transaction: SQLite cannot upgrade a read
 * transaction to a write one while another connection writes, and the
 * version check makes the early read safe.
 */
export async function applyHostTransition(
  knex: Knex,
  request: HostTransitionRequest,
  metrics?: Pick<QueueMetrics, 'hostStateTransitions'>,
): Promise<AppliedTransition> {
  const row = await knex<HostRow>(HOSTS_TABLE)
    .where({ id: request.hostId })
    .first();
  if (!row) throw new NotFoundError(`Host ${request.hostId} not found`);
  const version = Number(row.version);
  const allowedFrom = request.from && [request.from].flat();
  if (allowedFrom && !allowedFrom.includes(row.state)) {
    throw new InvalidTransitionError(
      `Host ${row.id} is ${row.state}, expected ${allowedFrom.join(' or ')}`,
    );
  }
  if (
    request.expectedVersion !== undefined &&
    request.expectedVersion !== version
  ) {
    throw versionConflict(row.id, version, request.expectedVersion);
  }
  const check = checkTransition(row.state, request.to, {
    consumerId: row.consumer_id ?? undefined,
    reason: request.reason,
    inventoryRead: request.inventoryRead,
    recovery: request.recovery,
  });
  if (!check.allowed) {
    throw new InvalidTransitionError(`Host ${row.id}: ${check.reason}`);
  }

  await knex.transaction(async trx => {
    const now = new Date();
    const updated = await trx(HOSTS_TABLE)
      .where({ id: row.id, version })
      .update({
        ...request.columns,
        state: request.to,
        error_message:
          request.to === 'Error' ? request.message ?? request.reason : null,
        ...(check.transition.clearsConsumer ? { consumer_id: null } : {}),
        version: trx.raw('version + 1'),
        updated_at: now,
      });
    if (updated !== 1) throw versionConflict(row.id, undefined, version);
    if (check.transition.clearsConsumer && row.consumer_id) {
      await detachMachine(trx, row.id, now);
    }
    await request.alsoWithin?.(trx, row);
    await new HostEventStore(trx).record({
      hostId: row.id,
      fromState: row.state,
      toState: request.to,
      reason: request.reason,
      message: request.message,
    });
  });
  metrics?.hostStateTransitions.inc({ from: row.state, to: request.to });
  return {
    hostId: row.id,
    from: row.state,
    to: request.to,
    version: version + 1,
  };
}

/**
 * The machine that held a host lets go of it: a release in progress is
 * done; any other machine has lost its host and is Failed.
 */
async function detachMachine(trx: Knex.Transaction, hostId: string, now: Date) {
  await trx(MACHINES_TABLE)
    .where({ host_id: hostId, phase: 'Releasing' })
    .update({ host_id: null, phase: 'Released', updated_at: now });
  await trx(MACHINES_TABLE)
    .where({ host_id: hostId })
    .update({
      host_id: null,
      phase: 'Failed',
      failure_reason: trx.raw(
        `coalesce(failure_reason, 'its host was recovered from Error')`,
      ),
      updated_at: now,
    });
}

function versionConflict(
  hostId: string,
  actual: number | undefined,
  expected: number,
): ConflictError {
  return new ConflictError(
    `Host ${hostId} was changed concurrently (expected version ${expected}${
      actual === undefined ? '' : `, found ${actual}`
    })`,
  );
}
