import { Machine } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { performance } from 'node:perf_hooks';
import { isTransientDatabaseError } from '../database/errors';
import { ClaimCandidate, HostStore } from '../database/HostStore';
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
import { OneClaimPerMachine } from './oneClaimPerMachine';
import { ClaimLostError, writeClaim } from './claimWrites';
import { releaseClaim } from './release';
import { selectHosts } from './selection';
import { ClaimCoordinator, ClaimResult, ReleaseResult } from './types';

export interface OptimisticClaimCoordinatorOptions {
  knex: Knex;
  metrics: Beskar7Metrics;
  /** Conditional writes tried per claim before answering `retry` (default 10). */
  maxAttempts?: number;
  /** Conflicts tolerated on one read of the candidates before reading again (default 3). */
  conflictsPerRead?: number;
  backoff?: BackoffOptions;
}

type AttemptOutcome =
  | { kind: 'claimed' }
  | { kind: 'conflict' }
  | { kind: 'machine_taken' }
  | { kind: 'transient' };

/**
 * Claims with conditional updates and no locks held across reads: read the
 * eligible hosts, rank them, and try `UPDATE ... WHERE id = ? AND version = ?
 * AND state = 'Available'` down the machine's order. A lost race moves on to
 * the next host; after a few, the candidates are read again after a jittered
 * backoff. Nothing sleeps inside a transaction.
 */
export class OptimisticClaimCoordinator implements ClaimCoordinator {
  readonly mode = 'optimistic';
  private readonly hosts: HostStore;
  private readonly machines: MachineStore;
  private readonly claimMetrics: ClaimMetrics;
  private readonly maxAttempts: number;
  private readonly conflictsPerRead: number;
  private readonly backoff: BackoffOptions;
  /** Hosts this replica is trying right now: its own claims never race each other. */
  private readonly inFlight = new Set<string>();
  /**
   * Hosts this replica knows are gone (it claimed them, or lost them to
   * another replica) since it read them, with when it learned it; forgotten
   * once a read started later shows the database's own view.
   */
  private readonly taken = new Map<string, number>();
  /** Candidate reads in flight, by requirements: concurrent claims share one. */
  private readonly reads = new Map<string, Promise<ClaimCandidate[]>>();

  private readonly oneAtATime = new OneClaimPerMachine();

  constructor(private readonly options: OptimisticClaimCoordinatorOptions) {
    this.hosts = new HostStore(options.knex);
    this.machines = new MachineStore(options.knex);
    this.claimMetrics = new ClaimMetrics(options.metrics, this.mode);
    this.maxAttempts = options.maxAttempts ?? 10;
    this.conflictsPerRead = options.conflictsPerRead ?? 3;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  claim(machineId: string): Promise<ClaimResult> {
    return this.oneAtATime.run(machineId, () => this.claimMetered(machineId));
  }

  private async claimMetered(machineId: string): Promise<ClaimResult> {
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

    // Reads are bounded too: a read may find every host taken by this replica's other claims.
    for (
      let read = 0;
      read < this.maxAttempts && stats.attempts < this.maxAttempts;
      read++
    ) {
      if (read > 0) await sleep(jitteredBackoffMs(read, this.backoff));
      const ranked = selectHosts(
        machine,
        await this.readCandidates(machine),
      ).filter(host => !this.taken.has(host.id));
      if (ranked.length === 0) {
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

  /**
   * The Available hosts for the machine's requirements. Claims that need the
   * same requirements at the same time share one read; a read forgets the
   * `taken` entries it already reflects.
   */
  private readCandidates(machine: Machine): Promise<ClaimCandidate[]> {
    const key = JSON.stringify(machine.requirements);
    const shared = this.reads.get(key);
    if (shared) return shared;
    const startedAt = performance.now();
    const read = this.hosts
      .listClaimCandidates(machine.requirements)
      .then(candidates => {
        for (const [hostId, learnedAt] of this.taken) {
          if (learnedAt < startedAt) this.taken.delete(hostId);
        }
        return candidates;
      })
      .finally(() => this.reads.delete(key));
    this.reads.set(key, read);
    return read;
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
      this.taken.set(host.id, performance.now());
      this.claimMetrics.attempt('success');
      return { kind: 'claimed' };
    } catch (error) {
      if (error instanceof ClaimLostError) {
        if (error.reason === 'machine_taken') {
          this.claimMetrics.attempt('conflict', 'invalid_state');
          return { kind: 'machine_taken' };
        }
        this.taken.set(host.id, performance.now());
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
