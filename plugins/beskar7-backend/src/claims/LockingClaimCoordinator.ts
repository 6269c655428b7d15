import { Machine } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { isPostgres } from '../database/dialect';
import { isConnectionLost, isTransientDatabaseError } from '../database/errors';
import { ClaimStatementResult, ClaimStore } from '../database/ClaimStore';
import { ClaimCandidateStore } from '../database/ClaimCandidateStore';
import { MACHINES_TABLE } from '../database/machineRows';
import { MachineStore } from '../database/MachineStore';
import { Beskar7Metrics } from '../metrics';
import {
  BackoffOptions,
  DEFAULT_BACKOFF,
  jitteredBackoffMs,
  sleep,
} from './backoff';
import {
  answerForClaimed,
  loadClaimableMachine,
  machineNotFound,
} from './claimableMachine';
import { ClaimMetrics } from './claimMetrics';
import { FirstTries } from './firstTries';
import { ClaimLostError, writeClaim } from './claimWrites';
import { releaseClaim } from './release';
import { machinePoint } from './rendezvous';
import { RING_WINDOW, ringChoice } from './ring';
import { identityKey } from './selection';
import { ClaimCoordinator, ClaimResult, ReleaseResult } from './types';

export interface LockingClaimCoordinatorOptions {
  knex: Knex;
  metrics: Beskar7Metrics;
  /** Transactions tried per claim when the database is busy (default 10). */
  maxAttempts?: number;
  backoff?: BackoffOptions;
}

type Outcome =
  | { kind: 'claimed'; hostId: string }
  | { kind: 'no_hosts' }
  | { kind: 'machine_taken' };

/**
 * Claims that lock before they decide. On PostgreSQL a claim's first try
 * goes in one statement with the others asked for meanwhile (FirstTries);
 * after that a claim is one statement (ClaimStore): it locks the machine
 * row, then takes the machine's choice among its window on the claim ring
 * (ring.ts) that `FOR UPDATE SKIP LOCKED` grants (rows other claimers hold
 * are skipped, not waited for). On SQLite the transaction's first
 * statement is a write, which takes the database's write lock at once (the effect of `BEGIN IMMEDIATE`), so the hosts read
 * next cannot change before the claim is written. Either way no attempt
 * loses a race; only a busy database is retried, after a jittered backoff
 * and outside any transaction.
 */
export class LockingClaimCoordinator implements ClaimCoordinator {
  readonly mode = 'locking';
  private readonly machines: MachineStore;
  private readonly claimMetrics: ClaimMetrics;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffOptions;
  /** PostgreSQL only: claims in one statement. */
  private readonly claims?: ClaimStore;
  /** PostgreSQL only: claims' first tries, together. */
  private readonly firstTries?: FirstTries;

  constructor(private readonly options: LockingClaimCoordinatorOptions) {
    this.machines = new MachineStore(options.knex);
    this.claimMetrics = new ClaimMetrics(options.metrics, this.mode);
    this.maxAttempts = options.maxAttempts ?? 10;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    if (isPostgres(options.knex)) {
      this.claims = new ClaimStore(options.knex);
      this.firstTries = new FirstTries(this.claims, this.claimMetrics);
    }
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  claim(machineId: string): Promise<ClaimResult> {
    return this.claimMetrics.timeClaim(() => this.claimOnce(machineId));
  }

  release(machineId: string): Promise<ReleaseResult> {
    return releaseClaim(this.options.knex, machineId);
  }

  private async claimOnce(machineId: string): Promise<ClaimResult> {
    if (!this.claims || !this.firstTries) {
      return this.claimInTransactions(machineId);
    }
    return (
      (await this.firstTries.claim(machineId)) ??
      this.claimInStatements(this.claims, machineId)
    );
  }

  /**
   * PostgreSQL: each attempt is one statement that locks the machine and
   * takes its best eligible host no other transaction holds.
   */
  private async claimInStatements(
    claims: ClaimStore,
    machineId: string,
  ): Promise<ClaimResult> {
    const stats = { machineId, attempts: 0, conflicts: 0 };
    let unavailable = false;
    while (stats.attempts < this.maxAttempts) {
      if (stats.attempts > 0) {
        await sleep(jitteredBackoffMs(stats.attempts, this.backoff));
      }
      stats.attempts++;
      let result: ClaimStatementResult;
      try {
        result = await claims.claim(machineId, {
          kind: 'skip_locked',
          exclude: [],
        });
      } catch (error) {
        this.claimMetrics.attempt('error');
        // A claim is idempotent: asked again, a machine that got its host answers with it.
        unavailable = isConnectionLost(error);
        if (unavailable || isTransientDatabaseError(error)) continue;
        throw error;
      }
      unavailable = false;
      switch (result.kind) {
        case 'claimed':
          this.claimMetrics.attempt('success');
          return { ...stats, outcome: 'claimed', hostId: result.hostId };
        case 'missing':
          throw machineNotFound(machineId);
        case 'not_pending':
          // Found held (by this machine's claim elsewhere): nothing was written.
          return {
            ...answerForClaimed(machineId, result),
            ...stats,
            attempts: stats.attempts - 1,
          };
        default:
          if (!result.eligibleLeft) {
            this.claimMetrics.attempt('no_hosts');
            return { ...stats, outcome: 'no_hosts' };
          }
          // Every eligible host is locked by claims in flight; some may fail.
          this.claimMetrics.attempt('conflict', 'already_claimed');
          stats.conflicts++;
      }
    }
    return {
      ...stats,
      outcome: 'retry',
      reason: unavailable ? 'database_unavailable' : 'attempts_exhausted',
    };
  }

  /** SQLite: a transaction whose first statement takes the write lock. */
  private async claimInTransactions(machineId: string): Promise<ClaimResult> {
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
        // Not expected while the lock holds; counted, and tried again.
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
        default: {
          const again = await loadClaimableMachine(this.machines, machineId);
          if ('result' in again) return { ...again.result, ...stats };
        }
      }
    }
    return { ...stats, outcome: 'retry', reason: 'attempts_exhausted' };
  }

  private async claimInTransaction(
    trx: Knex.Transaction,
    machine: Machine,
  ): Promise<Outcome> {
    // A write first: takes SQLite's write lock before anything is read.
    const touched = await trx(MACHINES_TABLE)
      .where({ id: machine.id, phase: 'Pending' })
      .whereNull('host_id')
      .update({ updated_at: new Date() });
    if (touched !== 1) return { kind: 'machine_taken' };

    const key = identityKey(machine);
    const host = ringChoice(
      key,
      await new ClaimCandidateStore(trx).walk(machine, machinePoint(key), {
        limit: RING_WINDOW,
      }),
    );
    if (!host) return { kind: 'no_hosts' };
    await writeClaim(trx, machine.id, { id: host.id });
    return { kind: 'claimed', hostId: host.id };
  }
}

function conflictReason(error: ClaimLostError) {
  return error.reason === 'machine_taken' ? 'invalid_state' : error.reason;
}
