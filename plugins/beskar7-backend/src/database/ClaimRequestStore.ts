import {
  Machine,
  MachinePhase,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import {
  CLAIM_REQUESTED_CHANNEL,
  LEADER_RESTING_SQL,
  REQUESTING_CTE_SQL,
} from './ClaimSignals';
import { isPostgres } from './dialect';
import { preparedRaw } from './preparedStatement';
import { MACHINES_TABLE, MachineRow, rowToMachine } from './machineRows';

export const CLAIM_REQUESTS_TABLE = 'beskar7_claim_requests';

/** What decides whether a machine may claim: its phase and host. */
export interface MachineClaimState {
  phase: MachinePhase;
  hostId?: string;
}

/** A claim is queued only for a machine still waiting for a host. */
export function isClaimable(machine: MachineClaimState): boolean {
  return machine.phase === 'Pending' && !machine.hostId;
}

/** The most machines one statement queues requests for. */
export const MAX_ENQUEUE_BATCH = 8;

/** Enqueue statements built so far, by the number of machines. */
const enqueueStatements = new Map<number, string>();

/**
 * The machines' rows read and their requests written in one round trip: a
 * requester's claim is this statement and the leader's answer. It commits
 * without waiting for the WAL flush (10% more claims/s in leader mode): a
 * request lost in a crash is found missing by its requester's poll and
 * queued again, and the batch that answers one flushes it with its own
 * durable commit. The ids go as a list of placeholders, one statement per
 * size, each planned once (ClaimStore's batch statement says why).
 */
function enqueueStatement(size: number): string {
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_ENQUEUE_BATCH) {
    throw new Error(
      `requests are queued 1 to ${MAX_ENQUEUE_BATCH} at a time, got ${size}`,
    );
  }
  let sql = enqueueStatements.get(size);
  if (sql === undefined) {
    const ids = Array.from({ length: size }, () => '?').join(', ');
    sql = `
  WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true)),
  ${REQUESTING_CTE_SQL},
  machine AS (
    SELECT id, phase, host_id, phase = 'Pending' AND host_id IS NULL AS claimable
      FROM ${MACHINES_TABLE}, async_commit, requesting WHERE id IN (${ids})),
  queued AS (
    INSERT INTO ${CLAIM_REQUESTS_TABLE} (machine_id, requested_by, created_at)
    SELECT id, ?, ? FROM machine WHERE claimable
    ON CONFLICT (machine_id) DO UPDATE
       SET outcome = NULL, requested_by = EXCLUDED.requested_by,
           created_at = EXCLUDED.created_at, resolved_at = NULL
     WHERE ${CLAIM_REQUESTS_TABLE}.outcome IS NOT NULL),
  woke AS (
    SELECT pg_notify(?, '') FROM machine
     WHERE claimable AND ${LEADER_RESTING_SQL} LIMIT 1)
  -- PostgreSQL runs a plain SELECT CTE only if the statement reads it.
  SELECT id, phase, host_id, (SELECT count(*) FROM woke) AS woke FROM machine`;
    enqueueStatements.set(size, sql);
  }
  return sql;
}

function toClaimState(row: {
  phase: MachinePhase;
  host_id: string | null;
}): MachineClaimState {
  return { phase: row.phase, hostId: row.host_id ?? undefined };
}

/** Where a queued claim request stands, as its requester sees it. */
export type ClaimRequestStatus =
  | { state: 'pending' }
  | { state: 'no_hosts' }
  /** The request is gone: the machine row tells whether it got a host. */
  | { state: 'done'; hostId?: string };

/** The queue of claim requests that the leader serves in leader mode. */
export class ClaimRequestStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Queues a claim for the machine if it is still `Pending` without a host,
   * and returns the machine's phase and host as read (undefined: no such
   * machine). A previous unanswerable request is asked again, a pending one
   * keeps its place.
   */
  async enqueue(
    machineId: string,
    requestedBy: string,
  ): Promise<MachineClaimState | undefined> {
    return (await this.enqueueAll([machineId], requestedBy)).get(machineId);
  }

  /**
   * `enqueue` for up to MAX_ENQUEUE_BATCH machines: one statement on
   * PostgreSQL, which also wakes the leader when it commits, if the leader
   * rests (ClaimSignals). Machines that do not exist are left out.
   */
  async enqueueAll(
    machineIds: string[],
    requestedBy: string,
  ): Promise<Map<string, MachineClaimState>> {
    const now = new Date();
    const states = new Map<string, MachineClaimState>();
    if (isPostgres(this.knex)) {
      const { rows } = await preparedRaw(
        this.knex,
        enqueueStatement(machineIds.length),
        [...machineIds, requestedBy, now, CLAIM_REQUESTED_CHANNEL],
      );
      for (const row of rows) states.set(row.id, toClaimState(row));
      return states;
    }
    for (const machineId of machineIds) {
      const state = await this.enqueueOne(machineId, requestedBy, now);
      if (state) states.set(machineId, state);
    }
    return states;
  }

  /**
   * SQLite: two statements, no transaction (a read that turns into a
   * write fails as busy); the leader checks the machine again anyway.
   */
  private async enqueueOne(
    machineId: string,
    requestedBy: string,
    now: Date,
  ): Promise<MachineClaimState | undefined> {
    const row = await this.knex(MACHINES_TABLE)
      .where({ id: machineId })
      .first('phase', 'host_id');
    if (!row) return undefined;
    const machine = toClaimState(row);
    if (!isClaimable(machine)) return machine;
    await this.knex(CLAIM_REQUESTS_TABLE)
      .insert({
        machine_id: machineId,
        requested_by: requestedBy,
        created_at: now,
      })
      .onConflict('machine_id')
      .merge({
        outcome: null,
        requested_by: requestedBy,
        created_at: now,
        resolved_at: null,
      })
      .whereNotNull(`${CLAIM_REQUESTS_TABLE}.outcome`);
    return machine;
  }

  /** The oldest pending requests with their machines. */
  async listPending(limit: number): Promise<Machine[]> {
    const rows: MachineRow[] = await this.knex({ r: CLAIM_REQUESTS_TABLE })
      .join({ m: MACHINES_TABLE }, 'm.id', 'r.machine_id')
      .whereNull('r.outcome')
      .orderBy([
        { column: 'r.created_at', order: 'asc' },
        { column: 'r.machine_id', order: 'asc' },
      ])
      .limit(limit)
      .select('m.*');
    return rows.map(rowToMachine);
  }

  /** Statuses of the given machines' requests, for requesters waiting on them. */
  async statuses(
    machineIds: string[],
  ): Promise<Map<string, ClaimRequestStatus>> {
    const rows = await this.knex({ m: MACHINES_TABLE })
      .leftJoin({ r: CLAIM_REQUESTS_TABLE }, 'r.machine_id', 'm.id')
      .whereIn('m.id', machineIds)
      .select(
        'm.id as id',
        'm.host_id as host_id',
        'r.machine_id as request',
        'r.outcome as outcome',
      );
    const statuses = new Map<string, ClaimRequestStatus>();
    for (const row of rows) {
      if (!row.request) {
        statuses.set(row.id, {
          state: 'done',
          hostId: row.host_id ?? undefined,
        });
      } else if (row.outcome === 'no_hosts') {
        statuses.set(row.id, { state: 'no_hosts' });
      } else {
        statuses.set(row.id, { state: 'pending' });
      }
    }
    return statuses;
  }

  /** Answers requests that no host can satisfy now. */
  async markNoHosts(trx: Knex, machineIds: string[]): Promise<void> {
    if (machineIds.length === 0) return;
    await trx(CLAIM_REQUESTS_TABLE)
      .whereIn('machine_id', machineIds)
      .update({ outcome: 'no_hosts', resolved_at: new Date() });
  }

  /** Removes requests: served, withdrawn, or read by their requester. */
  async remove(db: Knex, machineIds: string[]): Promise<void> {
    if (machineIds.length === 0) return;
    await db(CLAIM_REQUESTS_TABLE).whereIn('machine_id', machineIds).delete();
  }
}
