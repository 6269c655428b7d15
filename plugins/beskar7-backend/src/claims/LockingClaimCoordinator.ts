import { Machine } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { isPostgres } from '../database/dialect';
import { isTransientDatabaseError } from '../database/errors';
import { ClaimCandidate, HostStore } from '../database/HostStore';
import { HOSTS_TABLE } from '../database/hostRows';
import { MACHINES_TABLE } from '../database/machineRows';
import { MachineStore } from '../database/MachineStore';
import { Beskar7Metrics } from '../metrics';
import {
  BackoffOptions,
  DEFAULT_BACKOFF,
  jitteredBackoffMs,
  sleep,
} from './backoff';
import { loadClaimableMachine } from './claimableMachine';
import { ClaimMetrics } from './claimMetrics';
import { ClaimLostError, writeClaim } from './claimWrites';
import { releaseClaim } from './release';
import { selectHosts } from './selection';
import { ClaimCoordinator, ClaimResult, ReleaseResult } from './types';

export interface LockingClaimCoordinatorOptions {
  knex: Knex;
  metrics: Beskar7Metrics;
  /** Transactions tried per claim when the database is busy (default 10). */
  maxAttempts?: number;
  /** PostgreSQL: ranked hosts offered per locking statement (default 16). */
  lockBatchSize?: number;
  backoff?: BackoffOptions;
}

type Outcome =
  | { kind: 'claimed'; hostId: string }
  | { kind: 'no_hosts' }
  | { kind: 'all_locked' }
  | { kind: 'machine_taken' };

/**
 * Claims inside one short transaction that locks before it decides. On
 * PostgreSQL it locks the machine row, then takes the first of the machine's
 * ranked hosts that `FOR UPDATE SKIP LOCKED` grants (rows other claimers hold
 * are skipped, not waited for). On SQLite the first statement is a write,
 * which takes the database's write lock at once (the effect of `BEGIN
 * IMMEDIATE`), so the hosts read next cannot change before the claim is
 * written. Either way no attempt loses a race; only a busy database is
 * retried, after a jittered backoff and outside any transaction.
 */
export class LockingClaimCoordinator implements ClaimCoordinator {
  readonly mode = 'locking';
  private readonly machines: MachineStore;
  private readonly claimMetrics: ClaimMetrics;
  private readonly maxAttempts: number;
  private readonly lockBatchSize: number;
  private readonly backoff: BackoffOptions;
  private readonly postgres: boolean;

  constructor(private readonly options: LockingClaimCoordinatorOptions) {
    this.machines = new MachineStore(options.knex);
    this.claimMetrics = new ClaimMetrics(options.metrics, this.mode);
    this.maxAttempts = options.maxAttempts ?? 10;
    this.lockBatchSize = options.lockBatchSize ?? 16;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.postgres = isPostgres(options.knex);
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  async claim(machineId: string): Promise<ClaimResult> {
    const done = this.claimMetrics.startClaim();
    try {
      const result = await this.claimOnce(machineId);
      done(result);
      return result;
    } catch (error) {
      done('error');
      throw error;
    }
  }

  release(machineId: string): Promise<ReleaseResult> {
    return releaseClaim(this.options.knex, machineId);
  }

  private async claimOnce(machineId: string): Promise<ClaimResult> {
    const loaded = await loadClaimableMachine(this.machines, machineId);
    if ('result' in loaded) return loaded.result;
    const { machine } = loaded;
    const stats = { machineId, attempts: 0, conflicts: 0 };

    while (stats.attempts < this.maxAttempts) {
      if (stats.attempts > 0) {
        await sleep(jitteredBackoffMs(stats.attempts, this.backoff));
      }
      stats.attempts++;
      let outcome: Outcome;
      try {
        outcome = await this.options.knex.transaction(trx =>
          this.claimInTransaction(trx, machine),
        );
      } catch (error) {
        // Not expected while the locks hold; counted, and tried again.
        if (error instanceof ClaimLostError) {
          this.claimMetrics.attempt('conflict', conflictReason(error));
          stats.conflicts++;
          continue;
        }
        this.claimMetrics.attempt('error');
        if (isTransientDatabaseError(error)) continue;
        throw error;
      }
      switch (outcome.kind) {
        case 'claimed':
          this.claimMetrics.attempt('success');
          return { ...stats, outcome: 'claimed', hostId: outcome.hostId };
        case 'no_hosts':
          this.claimMetrics.attempt('no_hosts');
          return { ...stats, outcome: 'no_hosts' };
        case 'machine_taken': {
          const again = await loadClaimableMachine(this.machines, machineId);
          if ('result' in again) return { ...again.result, ...stats };
          break;
        }
        default:
          // Every eligible host is locked by claims in flight; some may fail.
          this.claimMetrics.attempt('conflict', 'already_claimed');
          stats.conflicts++;
      }
    }
    return { ...stats, outcome: 'retry', reason: 'attempts_exhausted' };
  }

  private async claimInTransaction(
    trx: Knex.Transaction,
    machine: Machine,
  ): Promise<Outcome> {
    // A write first: locks the machine row (PostgreSQL) or the whole database (SQLite).
    const touched = await trx(MACHINES_TABLE)
      .where({ id: machine.id, phase: 'Pending' })
      .whereNull('host_id')
      .update({ updated_at: new Date() });
    if (touched !== 1) return { kind: 'machine_taken' };

    const ranked = selectHosts(
      machine,
      await new HostStore(trx).listClaimCandidates(machine.requirements),
    );
    if (ranked.length === 0) return { kind: 'no_hosts' };
    const host = this.postgres
      ? await this.lockFirstFree(trx, ranked)
      : ranked[0];
    if (!host) return { kind: 'all_locked' };
    await writeClaim(trx, machine.id, { id: host.id });
    return { kind: 'claimed', hostId: host.id };
  }

  /**
   * Locks the first host, in the machine's order, that no other transaction
   * holds, and only that one: `ORDER BY` its rank, `LIMIT 1`, `SKIP LOCKED`.
   * Ranks go to PostgreSQL a slice at a time to keep the statement small.
   */
  private async lockFirstFree(
    trx: Knex.Transaction,
    ranked: ClaimCandidate[],
  ): Promise<ClaimCandidate | undefined> {
    for (let i = 0; i < ranked.length; i += this.lockBatchSize) {
      const ids = ranked.slice(i, i + this.lockBatchSize).map(h => h.id);
      const row: { id: string } | undefined = await trx(HOSTS_TABLE)
        .select('id')
        .whereIn('id', ids)
        .where('state', 'Available')
        .orderByRaw('array_position(?::text[], id)', [ids])
        .forUpdate()
        .skipLocked()
        .first();
      if (row) return ranked.find(h => h.id === row.id);
    }
    return undefined;
  }
}

function conflictReason(error: ClaimLostError) {
  return error.reason === 'machine_taken' ? 'invalid_state' : error.reason;
}
