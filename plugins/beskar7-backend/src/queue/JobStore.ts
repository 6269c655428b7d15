import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { databaseNowMsSql, isPostgres } from '../database/dialect';
import { HOSTS_TABLE } from '../database/hostRows';
import { HostChangedError, QueueDrainingError, QueueFullError } from './errors';
import { serializeSqliteWrite } from './sqliteWrites';
import {
  ACTIVE_STATUSES,
  BMCS_TABLE,
  JOBS_TABLE,
  JobRow,
  QUEUE_STATE_TABLE,
  SLOTS_TABLE,
  rowToJob,
} from './jobRows';
import {
  BmcCooldownStatus,
  EnqueueRequest,
  EnqueueResult,
  JobStatus,
  ProvisioningJob,
} from './types';

/** A due job a worker may try to claim. */
export interface JobCandidate {
  id: string;
  bmcAddress: string;
  vendor?: string;
  /** The BMC's cooldown ended after the job was due: the job waited for it. */
  waitedForCooldown: boolean;
}

export interface ClaimLimits {
  ownerId: string;
  leaseMs: number;
  maxConcurrentOps: number;
  /** Cooldown the BMC keeps after this job ends. */
  cooldownMs: number;
}

/** A job this replica now runs; `token` fences every later write. */
export interface ClaimedJob {
  job: ProvisioningJob;
  token: string;
}

export type JobOutcome =
  | { status: 'succeeded' }
  | { status: 'failed'; error: string }
  | { status: 'queued'; error: string; retryInMs: number };

/** The claim found no free concurrency slot: stop trying for now. */
class NoSlot extends Error {}
/** Another worker got the job or its BMC first: try the next candidate. */
class Lost extends Error {}

/**
 * The queue's tables. Every write that matters is one conditional update,
 * or several in one transaction that starts with a write (SQLite then takes
 * its write lock at once instead of failing to upgrade a read).
 */
export class JobStore {
  private readonly now: string;
  private readonly pg: boolean;

  constructor(private readonly knex: Knex) {
    this.now = databaseNowMsSql(knex);
    this.pg = isPostgres(knex);
  }

  /**
   * Queues a job, or returns the host's queued or running one. The state
   * row is locked first, so concurrent enqueues from all replicas see each
   * other and maxQueueSize holds exactly.
   */
  async enqueue(
    request: EnqueueRequest,
    limits: { maxQueueSize: number; maxAttempts: number },
  ): Promise<EnqueueResult> {
    const id = randomUUID();
    const existing = await this.write(() =>
      this.knex.transaction(async trx => {
        await trx(QUEUE_STATE_TABLE)
          .where({ id: 1 })
          .update({ enqueued_total: trx.raw('enqueued_total + 1') });
        const state = await trx(QUEUE_STATE_TABLE).where({ id: 1 }).first();
        if (Boolean(state.draining)) throw new QueueDrainingError();
        if (request.hostVersion !== undefined) {
          const host = await trx(HOSTS_TABLE)
            .where({ id: request.hostId })
            .first('version');
          if (!host || Number(host.version) !== request.hostVersion) {
            throw new HostChangedError(request.hostId);
          }
        }
        const active = await trx<JobRow>(JOBS_TABLE)
          .where({ host_id: request.hostId })
          .whereIn('status', ACTIVE_STATUSES)
          .first();
        if (active) return active;
        const count = await this.countActive(trx);
        if (count >= limits.maxQueueSize) {
          throw new QueueFullError(
            limits.maxQueueSize,
            await this.retryAfterMs(trx),
          );
        }
        await trx(BMCS_TABLE)
          .insert({ bmc_address: request.bmcAddress })
          .onConflict('bmc_address')
          .ignore();
        await trx(JOBS_TABLE).insert({
          id,
          host_id: request.hostId,
          machine_id: request.machineId ?? null,
          operation: request.operation,
          bmc_address: request.bmcAddress,
          vendor: request.vendor ?? null,
          status: 'queued',
          attempt: 0,
          max_attempts: limits.maxAttempts,
          not_before_ms: trx.raw(this.now),
          created_at_ms: trx.raw(this.now),
        });
        return undefined;
      }),
    );
    if (existing) return { job: rowToJob(existing), created: false };
    return { job: (await this.get(id))!, created: true };
  }

  /**
   * Due jobs (queued and past their not-before time, or running under an
   * expired lease) whose BMC is free and past its cooldown, oldest first.
   */
  async findCandidates(limit: number): Promise<JobCandidate[]> {
    const now = this.now;
    const rows = await this.knex(`${JOBS_TABLE} as j`)
      .join(`${BMCS_TABLE} as b`, 'b.bmc_address', 'j.bmc_address')
      .select(
        'j.id',
        'j.bmc_address',
        'j.vendor',
        'j.status',
        'j.not_before_ms',
        'b.available_at_ms',
      )
      .where(q =>
        q
          .where(w =>
            w.where('j.status', 'queued').whereRaw(`j.not_before_ms <= ${now}`),
          )
          .orWhere(w =>
            w
              .where('j.status', 'running')
              .whereRaw(`j.lease_expires_at_ms < ${now}`),
          ),
      )
      .whereRaw(
        `((b.lease_token is null and b.available_at_ms <= ${now})
          or (b.lease_token is not null and b.lease_expires_at_ms + b.cooldown_ms <= ${now}))`,
      )
      .orderBy([{ column: 'j.not_before_ms' }, { column: 'j.created_at_ms' }])
      .limit(limit);
    return rows.map(row => ({
      id: row.id,
      bmcAddress: row.bmc_address,
      vendor: row.vendor ?? undefined,
      waitedForCooldown:
        row.status === 'queued' &&
        Number(row.available_at_ms) > Number(row.not_before_ms),
    }));
  }

  /**
   * Takes a concurrency slot, the BMC and the job in one transaction, in
   * that order everywhere (no deadlocks). Any condition failing rolls all
   * three back.
   */
  async tryClaim(
    candidate: JobCandidate,
    limits: ClaimLimits,
  ): Promise<ClaimedJob | 'no_slot' | 'lost'> {
    const token = randomUUID();
    const now = this.now;
    try {
      await this.write(() =>
        this.knex.transaction(async trx => {
          const leaseUntil = trx.raw(`${now} + ?`, [limits.leaseMs]);
          const freeSlot = trx(SLOTS_TABLE)
            .select('slot')
            .where('slot', '<', limits.maxConcurrentOps)
            .where(q =>
              q
                .whereNull('lease_token')
                .orWhereRaw(`lease_expires_at_ms < ${now}`),
            )
            .orderBy('slot')
            .limit(1);
          // Concurrent claimers skip a slot being taken instead of queueing on it.
          if (this.pg) freeSlot.forUpdate().skipLocked();
          const slots = await trx(SLOTS_TABLE)
            .whereIn('slot', freeSlot)
            .where(q =>
              q
                .whereNull('lease_token')
                .orWhereRaw(`lease_expires_at_ms < ${now}`),
            )
            .update({ lease_token: token, lease_expires_at_ms: leaseUntil });
          if (slots !== 1) throw new NoSlot();

          const bmcs = await trx(BMCS_TABLE)
            .where({ bmc_address: candidate.bmcAddress })
            .whereRaw(
              `((lease_token is null and available_at_ms <= ${now})
              or (lease_token is not null and lease_expires_at_ms + cooldown_ms <= ${now}))`,
            )
            .update({
              lease_token: token,
              lease_expires_at_ms: leaseUntil,
              cooldown_ms: limits.cooldownMs,
            });
          if (bmcs !== 1) throw new Lost();

          const jobs = await trx(JOBS_TABLE)
            .where({ id: candidate.id })
            .where(q =>
              q
                .where(w =>
                  w
                    .where('status', 'queued')
                    .whereRaw(`not_before_ms <= ${now}`),
                )
                .orWhere(w =>
                  w
                    .where('status', 'running')
                    .whereRaw(`lease_expires_at_ms < ${now}`),
                ),
            )
            .update({
              status: 'running',
              attempt: trx.raw('attempt + 1'),
              owner_id: limits.ownerId,
              lease_token: token,
              lease_expires_at_ms: leaseUntil,
              started_at_ms: trx.raw(now),
            });
          if (jobs !== 1) throw new Lost();
        }),
      );
    } catch (error) {
      if (error instanceof NoSlot) return 'no_slot';
      if (error instanceof Lost) return 'lost';
      throw error;
    }
    return { job: (await this.get(candidate.id))!, token };
  }

  /** Extends the job's, its slot's and its BMC's leases; false if any was lost. */
  async renew(token: string, leaseMs: number): Promise<boolean> {
    const leaseUntil = this.knex.raw(`${this.now} + ?`, [leaseMs]);
    return this.write(async () => {
      const results = [];
      for (const table of [SLOTS_TABLE, BMCS_TABLE, JOBS_TABLE]) {
        results.push(
          await this.knex(table)
            .where({ lease_token: token })
            .update({ lease_expires_at_ms: leaseUntil }),
        );
      }
      return results.every(n => n === 1);
    });
  }

  /**
   * Ends a run: frees the slot, starts the BMC's cooldown and records the
   * outcome, only if `token` still holds them. False when the lease was lost.
   */
  async finish(token: string, jobId: string, outcome: JobOutcome) {
    const now = this.now;
    return this.write(() =>
      this.knex.transaction(async trx => {
        await trx(SLOTS_TABLE)
          .where({ lease_token: token })
          .update({ lease_token: null, lease_expires_at_ms: 0 });
        await trx(BMCS_TABLE)
          .where({ lease_token: token })
          .update({
            lease_token: null,
            lease_expires_at_ms: 0,
            available_at_ms: trx.raw(`${now} + cooldown_ms`),
          });
        const retrying = outcome.status === 'queued';
        const updated = await trx(JOBS_TABLE)
          .where({ id: jobId, lease_token: token })
          .update({
            status: outcome.status,
            last_error: outcome.status === 'succeeded' ? null : outcome.error,
            owner_id: null,
            lease_token: null,
            lease_expires_at_ms: null,
            not_before_ms: retrying
              ? trx.raw(`${now} + ?`, [outcome.retryInMs])
              : trx.raw('not_before_ms'),
            finished_at_ms: retrying ? null : trx.raw(now),
          });
        return updated === 1;
      }),
    );
  }

  /** Cancels the host's queued (not running) job; true if there was one. */
  async cancelQueued(hostId: string): Promise<boolean> {
    const updated = await this.write(() =>
      this.knex(JOBS_TABLE)
        .where({ host_id: hostId, status: 'queued' })
        .update({
          status: 'cancelled',
          finished_at_ms: this.knex.raw(this.now),
        }),
    );
    return updated > 0;
  }

  async get(id: string): Promise<ProvisioningJob | undefined> {
    const row = await this.knex<JobRow>(JOBS_TABLE).where({ id }).first();
    return row && rowToJob(row);
  }

  async list(
    filter: { hostId?: string; status?: JobStatus[]; limit?: number } = {},
  ): Promise<ProvisioningJob[]> {
    const query = this.knex<JobRow>(JOBS_TABLE)
      .orderBy('created_at_ms', 'desc')
      .limit(filter.limit ?? 100);
    if (filter.hostId) query.where('host_id', filter.hostId);
    if (filter.status) query.whereIn('status', filter.status);
    return (await query).map(rowToJob);
  }

  /** The host's queued or running job, if any. */
  async activeJob(hostId: string): Promise<ProvisioningJob | undefined> {
    const row = await this.knex<JobRow>(JOBS_TABLE)
      .where({ host_id: hostId })
      .whereIn('status', ACTIVE_STATUSES)
      .first();
    return row && rowToJob(row);
  }

  async counts(): Promise<{ queued: number; running: number }> {
    const rows: Array<{ status: JobStatus; count: number | string }> =
      await this.knex(JOBS_TABLE)
        .select('status')
        .count({ count: '*' })
        .whereIn('status', ACTIVE_STATUSES)
        .groupBy('status');
    const of = (status: JobStatus) =>
      Number(rows.find(r => r.status === status)?.count ?? 0);
    return { queued: of('queued'), running: of('running') };
  }

  /** BMCs whose cooldown has not ended yet. */
  async cooldowns(): Promise<BmcCooldownStatus[]> {
    const rows = await this.knex(BMCS_TABLE)
      .select(
        'bmc_address',
        'available_at_ms',
        this.knex.raw(`${this.now} as now_ms`),
      )
      .whereRaw(`available_at_ms > ${this.now}`)
      .orderBy('available_at_ms');
    return rows.map(row => ({
      bmcAddress: row.bmc_address,
      availableAt: new Date(Number(row.available_at_ms)).toISOString(),
      remainingMs: Number(row.available_at_ms) - Number(row.now_ms),
    }));
  }

  async readSwitches(): Promise<{ paused: boolean; draining: boolean }> {
    const row = await this.knex(QUEUE_STATE_TABLE).where({ id: 1 }).first();
    return { paused: Boolean(row.paused), draining: Boolean(row.draining) };
  }

  async setSwitches(
    switches: Partial<{ paused: boolean; draining: boolean }>,
  ): Promise<void> {
    await this.write(() =>
      this.knex(QUEUE_STATE_TABLE).where({ id: 1 }).update(switches),
    );
  }

  private write<T>(write: () => Promise<T>): Promise<T> {
    return serializeSqliteWrite(this.knex, write);
  }

  private async countActive(db: Knex): Promise<number> {
    const [row] = await db(JOBS_TABLE)
      .whereIn('status', ACTIVE_STATUSES)
      .count({ count: '*' });
    return Number(row.count);
  }

  /** A hint for rejected callers: the mean run time of recent jobs (30s when unknown). */
  private async retryAfterMs(db: Knex): Promise<number> {
    const recent = db(JOBS_TABLE)
      .select(db.raw('finished_at_ms - started_at_ms as ms'))
      .where('status', 'succeeded')
      .orderBy('finished_at_ms', 'desc')
      .limit(20)
      .as('recent');
    const [row] = await db.from(recent).avg({ avg: 'ms' });
    const avg = Number(row?.avg);
    return Number.isFinite(avg) && avg > 0 ? Math.ceil(avg) : 30_000;
  }
}
