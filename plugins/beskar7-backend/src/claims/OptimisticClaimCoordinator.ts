import { Machine } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import {
  ClaimCandidate,
  ClaimCandidateStore,
} from '../database/ClaimCandidateStore';
import { isConnectionLost, isTransientDatabaseError } from '../database/errors';
import {
  ClaimStatementResult,
  ClaimStore,
  HostChoice,
} from '../database/ClaimStore';
import { isPostgres } from '../database/dialect';
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
import { OneClaimPerMachine } from './oneClaimPerMachine';
import { ClaimLostError, writeClaim } from './claimWrites';
import { releaseClaim } from './release';
import { machinePoint } from './rendezvous';
import { RING_WINDOW, ringRank } from './ring';
import { identityKey } from './selection';
import {
  ClaimCoordinator,
  ClaimResult,
  ClaimStats,
  ReleaseResult,
} from './types';

export interface OptimisticClaimCoordinatorOptions {
  knex: Knex;
  metrics: Beskar7Metrics;
  /** Conditional writes tried per claim before answering `retry` (default 10). */
  maxAttempts?: number;
  /** Conflicts tolerated on one ranking of the candidates before ranking again (default 3). */
  conflictsPerRead?: number;
  /**
   * PostgreSQL: at or below this many eligible hosts (default 2,000), a
   * claim passes over hosts another transaction is writing instead of
   * racing for them. Two claims in flight want the same host with a chance
   * of about 1.125 k / n (k claims in flight on all replicas, n eligible
   * hosts): with 8 replicas of 4, 2% at 1,800 hosts. Measured with those
   * (`yarn bench:claims`, 1,000 hosts): 2.3-4.3% of writes lost at 100,
   * none at 2,000, and 820 claims/s against 660-720.
   */
  scarceHosts?: number;
  backoff?: BackoffOptions;
}

type AttemptOutcome =
  | { kind: 'claimed' }
  | { kind: 'conflict' }
  | { kind: 'machine_taken' }
  | { kind: 'transient' };

/**
 * Claims with conditional updates and no locks held across reads: take the
 * machine's choice among its window on the claim ring (ring.ts) and try
 * `UPDATE ... WHERE id = ? AND version = ? AND state = 'Available'` down the
 * machine's order. On PostgreSQL a claim's first try goes in one statement
 * with the others asked for meanwhile (each machine takes the best host of
 * its window nobody holds); a machine that got none there goes on alone,
 * where the walk and the first write are one statement (ClaimStore), which
 * on a loss also returns the next few candidates; on SQLite the window is
 * read with one query and ranked in process. A lost race moves on to the next host without walking again;
 * after a few, the ring is walked again after a jittered backoff. Nothing
 * sleeps inside a transaction.
 */
export class OptimisticClaimCoordinator implements ClaimCoordinator {
  readonly mode = 'optimistic';
  private readonly candidates: ClaimCandidateStore;
  private readonly machines: MachineStore;
  private readonly claimMetrics: ClaimMetrics;
  private readonly maxAttempts: number;
  private readonly conflictsPerRead: number;
  private readonly scarceHosts: number;
  private readonly backoff: BackoffOptions;
  /** Hosts this replica is trying right now: its own claims never race each other. */
  private readonly inFlight = new Set<string>();
  private readonly oneAtATime = new OneClaimPerMachine();
  /** PostgreSQL only: claims in one statement each. */
  private readonly claims?: ClaimStore;
  /** PostgreSQL only: claims' first tries, together. */
  private readonly firstTries?: FirstTries;

  constructor(private readonly options: OptimisticClaimCoordinatorOptions) {
    this.candidates = new ClaimCandidateStore(options.knex);
    this.machines = new MachineStore(options.knex);
    this.claimMetrics = new ClaimMetrics(options.metrics, this.mode);
    this.maxAttempts = options.maxAttempts ?? 10;
    this.conflictsPerRead = options.conflictsPerRead ?? 3;
    this.scarceHosts = options.scarceHosts ?? 2000;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    if (isPostgres(options.knex)) {
      this.claims = new ClaimStore(options.knex);
      this.firstTries = new FirstTries(this.claims, this.claimMetrics, () => [
        ...this.inFlight,
      ]);
    }
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  claim(machineId: string): Promise<ClaimResult> {
    return this.oneAtATime.run(machineId, () =>
      this.claimMetrics.timeClaim(() => this.claimOnce(machineId)),
    );
  }

  release(machineId: string): Promise<ReleaseResult> {
    return releaseClaim(this.options.knex, machineId);
  }

  private async claimOnce(machineId: string): Promise<ClaimResult> {
    if (!this.claims || !this.firstTries) return this.claimWithReads(machineId);
    return (
      (await this.firstTries.claim(machineId)) ??
      this.claimInStatements(this.claims, machineId)
    );
  }

  /**
   * PostgreSQL: the first statement ranks in the database and writes the
   * best host; if that write loses, it also brought the next candidates,
   * which are written one by one (each a statement of its own) before the
   * hosts are ranked again.
   */
  private async claimInStatements(
    claims: ClaimStore,
    machineId: string,
  ): Promise<ClaimResult> {
    const stats = { machineId, attempts: 0, conflicts: 0 };
    let unavailable = false;
    for (
      let rank = 0;
      rank < this.maxAttempts && stats.attempts < this.maxAttempts;
      rank++
    ) {
      if (rank > 0) await sleep(jitteredBackoffMs(rank, this.backoff));
      stats.attempts++;
      const ranked = await this.statement(claims, machineId, {
        kind: 'ranked',
        exclude: [...this.inFlight],
        ranked: this.conflictsPerRead + 1,
        scarce: this.scarceHosts,
      });
      unavailable = ranked.kind === 'transient' && Boolean(ranked.lost);
      if (ranked.kind === 'transient') continue;
      if (ranked.kind === 'claimed') {
        return { ...stats, outcome: 'claimed', hostId: ranked.hostId };
      }
      if (ranked.kind === 'answer') return heldAnswer(ranked.answer, stats);
      if (!ranked.eligibleLeft) {
        this.claimMetrics.attempt('no_hosts');
        return { ...stats, outcome: 'no_hosts' };
      }
      if (!ranked.lost) {
        // Every eligible host is this replica's in flight, or held by others.
        if (ranked.heldByOthers) stats.conflicts++;
        continue;
      }
      stats.conflicts++;
      for (const host of ranked.next) {
        if (stats.attempts >= this.maxAttempts) break;
        if (this.inFlight.has(host.id)) continue;
        stats.attempts++;
        this.inFlight.add(host.id);
        const next = await this.statement(claims, machineId, {
          kind: 'host',
          host,
        }).finally(() => this.inFlight.delete(host.id));
        if (next.kind === 'claimed') {
          return { ...stats, outcome: 'claimed', hostId: next.hostId };
        }
        if (next.kind === 'answer') return heldAnswer(next.answer, stats);
        if (next.kind === 'transient') {
          unavailable = Boolean(next.lost);
          break;
        }
        stats.conflicts++;
      }
    }
    return {
      ...stats,
      outcome: 'retry',
      reason: unavailable ? 'database_unavailable' : 'attempts_exhausted',
    };
  }

  /** One claim statement, counted; the machine's own answer when it is not Pending. */
  private async statement(
    claims: ClaimStore,
    machineId: string,
    choice: HostChoice,
  ): Promise<
    | Exclude<
        ClaimStatementResult,
        { kind: 'missing' | 'not_pending' | 'none' }
      >
    | (Extract<ClaimStatementResult, { kind: 'none' }> & {
        /** Counted as a conflict: every eligible host was held by another transaction. */
        heldByOthers?: boolean;
      })
    | { kind: 'answer'; answer: ClaimResult }
    /** `lost`: the connection went away. */
    | { kind: 'transient'; lost?: boolean }
  > {
    let result: ClaimStatementResult;
    try {
      result = await claims.claim(machineId, choice);
    } catch (error) {
      this.claimMetrics.attempt('error');
      // A claim is idempotent: asked again, a machine that got its host answers with it.
      if (isConnectionLost(error)) return { kind: 'transient', lost: true };
      if (isTransientDatabaseError(error)) return { kind: 'transient' };
      throw error;
    }
    switch (result.kind) {
      case 'claimed':
        this.claimMetrics.attempt('success');
        return result;
      case 'missing':
        throw machineNotFound(machineId);
      case 'not_pending':
        return { kind: 'answer', answer: answerForClaimed(machineId, result) };
      default: {
        if (result.lost || choice.kind === 'host') {
          this.claimMetrics.attempt('conflict', 'optimistic_lock');
          return result;
        }
        // Nothing excluded, hosts eligible, none taken: every one was held
        // by another transaction (a claim in flight elsewhere), which is a
        // lost race as much as a changed version (locking mode counts it so).
        const heldByOthers = result.eligibleLeft && choice.exclude.length === 0;
        if (heldByOthers) {
          this.claimMetrics.attempt('conflict', 'already_claimed');
        }
        return { ...result, heldByOthers };
      }
    }
  }

  /**
   * SQLite: walk the ring for the machine's window (hosts this replica is
   * trying passed over), rank it in process, write down the order.
   */
  private async claimWithReads(machineId: string): Promise<ClaimResult> {
    const loaded = await loadClaimableMachine(this.machines, machineId);
    if ('result' in loaded) return loaded.result;
    const { machine } = loaded;
    const key = identityKey(machine);
    const stats = { machineId, attempts: 0, conflicts: 0 };

    // Reads are bounded too: a read may find every host taken by this replica's other claims.
    for (
      let read = 0;
      read < this.maxAttempts && stats.attempts < this.maxAttempts;
      read++
    ) {
      if (read > 0) await sleep(jitteredBackoffMs(read, this.backoff));
      // The window and as many hosts again as the conflicts tolerated per read,
      // so that each host tried after a loss is the machine's next choice.
      const ranked = ringRank(
        key,
        await this.candidates.walk(machine, machinePoint(key), {
          limit: RING_WINDOW + this.conflictsPerRead,
          exclude: [...this.inFlight],
        }),
      );
      if (ranked.length === 0) {
        // Every eligible host may be one this replica is trying for others.
        if (await this.anyEligible(machine, key)) continue;
        // The host may be gone because another replica claimed it for this
        // very machine: then that is the answer, not a shortage.
        const again = await loadClaimableMachine(this.machines, machineId);
        if ('result' in again) {
          return { ...again.result, ...stats, machineId };
        }
        this.claimMetrics.attempt('no_hosts');
        return { ...stats, outcome: 'no_hosts' };
      }
      let conflictsThisRead = 0;
      for (const host of ranked) {
        if (
          stats.attempts >= this.maxAttempts ||
          conflictsThisRead >= this.conflictsPerRead
        ) {
          break;
        }
        if (this.inFlight.has(host.id)) continue;
        stats.attempts++;
        const outcome = await this.attempt(machine, host);
        if (outcome.kind === 'claimed') {
          return { ...stats, outcome: 'claimed', hostId: host.id };
        }
        if (outcome.kind === 'machine_taken') {
          // Another replica claimed for this very machine: answer with its host.
          const again = await loadClaimableMachine(this.machines, machineId);
          if ('result' in again) {
            return { ...again.result, ...stats, machineId };
          }
          continue;
        }
        if (outcome.kind === 'transient') break;
        stats.conflicts++;
        conflictsThisRead++;
      }
    }
    return { ...stats, outcome: 'retry', reason: 'attempts_exhausted' };
  }

  private async anyEligible(machine: Machine, key: string): Promise<boolean> {
    if (this.inFlight.size === 0) return false;
    const [host] = await this.candidates.walk(machine, machinePoint(key), {
      limit: 1,
    });
    return Boolean(host);
  }

  /** One conditional claim of one host, in its own short transaction. */
  private async attempt(
    machine: Machine,
    host: ClaimCandidate,
  ): Promise<AttemptOutcome> {
    this.inFlight.add(host.id);
    try {
      await this.options.knex.transaction(trx =>
        writeClaim(trx, machine.id, host),
      );
      this.claimMetrics.attempt('success');
      return { kind: 'claimed' };
    } catch (error) {
      if (error instanceof ClaimLostError) {
        if (error.reason === 'machine_taken') {
          this.claimMetrics.attempt('conflict', 'invalid_state');
          return { kind: 'machine_taken' };
        }
        this.claimMetrics.attempt('conflict', error.reason);
        return { kind: 'conflict' };
      }
      this.claimMetrics.attempt('error');
      if (isTransientDatabaseError(error)) return { kind: 'transient' };
      throw error;
    } finally {
      this.inFlight.delete(host.id);
    }
  }
}

/** The machine was found held: the statement that found it wrote nothing. */
function heldAnswer(answer: ClaimResult, stats: ClaimStats): ClaimResult {
  return { ...answer, ...stats, attempts: stats.attempts - 1 };
}
