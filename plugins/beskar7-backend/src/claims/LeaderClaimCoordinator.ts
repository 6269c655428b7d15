import { LoggerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  ClaimRequestStore,
  isClaimable,
  MachineClaimState,
  MAX_ENQUEUE_BATCH,
} from '../database/ClaimRequestStore';
import { writeClaimBatch } from '../database/ClaimStore';
import { isPostgres } from '../database/dialect';
import { ClaimAnswers, ClaimSignals } from '../database/ClaimSignals';
import { ClaimCandidateStore } from '../database/ClaimCandidateStore';
import { Beskar7Metrics } from '../metrics';
import { jitteredBackoffMs, sleep } from './backoff';
import { Batches, CLAIM_BATCH_LINGER_MS } from './batches';
import { answerUnlessClaimable } from './claimableMachine';
import { ClaimMetrics } from './claimMetrics';
import { ClaimLostError, writeClaim } from './claimWrites';
import {
  LeaderElectionTiming,
  resolveLeaderElectionTiming,
} from './leaderElection';
import { LeaseElector, LeaseLostError } from './LeaseElector';
import { releaseClaim } from './release';
import { Assignment, assignHosts, BATCH_WINDOW } from './batchAssignment';
import { ClaimCoordinator, ClaimResult, ReleaseResult } from './types';

export const CLAIM_COORDINATOR_LEASE = 'beskar7-claim-coordinator';

export interface LeaderClaimCoordinatorOptions {
  knex: Knex;
  metrics: Beskar7Metrics;
  /** This replica's identity in the lease and the request queue (default: a random UUID). */
  replicaId?: string;
  leaderElection?: Partial<LeaderElectionTiming>;
  /** Whether this replica may stand for leader (default: always); see LeaseElector. */
  candidate?: () => boolean;
  /** Requests the leader serves per transaction (default 100). */
  batchSize?: number;
  /** How often the leader looks for requests, and requesters for answers (default 20 ms). */
  pollIntervalMs?: number;
  /**
   * The same while notifications are heard (PostgreSQL: ClaimSignals), when
   * polling only covers a notification missed (default 500 ms).
   */
  signalledPollIntervalMs?: number;
  /** How long `claim` waits for the leader before answering `retry` (default 30 s). */
  claimTimeoutMs?: number;
  logger?: LoggerService;
}

interface Waiter {
  resolve(result: ClaimResult): void;
  reject(error: unknown): void;
}

/**
 * One replica, elected through a lease, assigns hosts; every replica queues
 * its claim requests in the database and waits for the answer. The leader
 * serves the oldest requests in batches: it reads them with each machine's
 * window on the claim ring (one statement on PostgreSQL), gives each
 * machine its choice among the hosts not given earlier in the batch
 * (ring.ts), and writes the batch fenced by its lease, so that a leader
 * that lost its lease writes nothing (one statement on PostgreSQL).
 */
export class LeaderClaimCoordinator implements ClaimCoordinator {
  readonly mode = 'leader';
  readonly replicaId: string;
  private readonly knex: Knex;
  private readonly candidates: ClaimCandidateStore;
  private readonly requests: ClaimRequestStore;
  private readonly elector: LeaseElector;
  private readonly claimMetrics: ClaimMetrics;
  private readonly timing: LeaderElectionTiming;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly signalledPollIntervalMs: number;
  private readonly signals: ClaimSignals;
  private readonly claimTimeoutMs: number;
  private readonly waiters = new Map<string, Waiter[]>();
  /** This replica's requests, queued together while the last ones are on their way. */
  private readonly enqueues: Batches<string, MachineClaimState | undefined>;
  private stopped = true;
  /** Ends the serve loop's idle wait, while it waits. */
  private wakeLeader?: () => void;
  /** A claim was queued while the leader was not waiting. */
  private leaderRoused = false;
  /** Ends the answer loop's wait, while it waits. */
  private wakeRequester?: () => void;
  private loops: Promise<void>[] = [];

  constructor(private readonly options: LeaderClaimCoordinatorOptions) {
    this.knex = options.knex;
    this.replicaId = options.replicaId ?? randomUUID();
    this.candidates = new ClaimCandidateStore(this.knex);
    this.requests = new ClaimRequestStore(this.knex);
    this.enqueues = new Batches(
      async ids => {
        const states = await this.requests.enqueueAll(ids, this.replicaId);
        return ids.map(id => states.get(id));
      },
      MAX_ENQUEUE_BATCH,
      CLAIM_BATCH_LINGER_MS,
    );
    this.claimMetrics = new ClaimMetrics(options.metrics, this.mode);
    this.timing = resolveLeaderElectionTiming(options.leaderElection);
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 20;
    this.signalledPollIntervalMs = options.signalledPollIntervalMs ?? 500;
    this.signals = new ClaimSignals(
      this.knex,
      {
        requested: () => this.rouseLeader(),
        answered: answers => this.hear(answers),
      },
      options.logger,
    );
    this.claimTimeoutMs = options.claimTimeoutMs ?? 30_000;
    this.elector = new LeaseElector({
      knex: this.knex,
      leaseName: CLAIM_COORDINATOR_LEASE,
      holderId: this.replicaId,
      timing: this.timing,
      metrics: options.metrics,
      logger: options.logger,
      candidate: options.candidate,
    });
  }

  /** True while this replica believes it holds the coordinator lease. */
  get isLeader(): boolean {
    return this.elector.token !== undefined;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.signals.start();
    this.elector.start();
    this.loops = [this.serveLoop(), this.answerLoop()];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeLeader?.();
    this.wakeRequester?.();
    await Promise.all(this.loops);
    await this.signals.stop();
    await this.elector.stop();
  }

  claim(machineId: string): Promise<ClaimResult> {
    return this.claimMetrics.timeClaim(() => this.claimOnce(machineId));
  }

  release(machineId: string): Promise<ReleaseResult> {
    return releaseClaim(this.knex, machineId);
  }

  private async claimOnce(machineId: string): Promise<ClaimResult> {
    // Waiting before the request is queued: its answer may come at once.
    let waiter: Waiter | undefined;
    const answered = new Promise<ClaimResult>((resolve, reject) => {
      const timeout = setTimeout(() => {
        this.removeWaiter(machineId, waiter!);
        resolve({
          machineId,
          attempts: 0,
          conflicts: 0,
          outcome: 'retry',
          reason: 'timeout',
        });
      }, this.claimTimeoutMs);
      waiter = {
        resolve: result => {
          clearTimeout(timeout);
          resolve(result);
        },
        reject: error => {
          clearTimeout(timeout);
          reject(error);
        },
      };
      this.waiters.set(machineId, [
        ...(this.waiters.get(machineId) ?? []),
        waiter,
      ]);
    });
    try {
      const answer = answerUnlessClaimable(
        machineId,
        await this.enqueues.submit(machineId),
      );
      if (answer) {
        waiter!.resolve(answer);
        this.removeWaiter(machineId, waiter!);
      } else {
        this.rouseLeader();
      }
    } catch (error) {
      waiter!.reject(error);
      this.removeWaiter(machineId, waiter!);
    }
    return answered;
  }

  /** While leading, serves batches of requests; otherwise waits to lead. */
  private async serveLoop(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const token = this.elector.token;
      // Heard before the batch below reads the queue, so none is missed.
      await this.signals.hearRequests(token !== undefined);
      if (token === undefined) {
        await sleep(Math.min(this.timing.retryPeriodMs, 100));
        continue;
      }
      try {
        await this.signals.atWork();
        let served = await this.serveBatch(token);
        // Requests queued while the leader works wake nobody: it reads the
        // queue once more after it said it rests (ClaimSignals).
        if (served === 0 && (await this.signals.resting())) {
          served = await this.serveBatch(token);
        }
        failures = 0;
        if (served === 0) await this.idle();
      } catch (error) {
        if (!(error instanceof LeaseLostError)) {
          this.options.logger?.warn(`Claim batch failed: ${error}`);
        }
        failures++;
        await sleep(
          jitteredBackoffMs(failures, {
            baseMs: this.pollIntervalMs,
            maxMs: this.timing.retryPeriodMs,
          }),
        );
      }
    }
  }

  /**
   * Serves the oldest pending requests, fenced by the lease. Returns how
   * many requests it read. Claims waiting on this replica are answered at
   * once; the others learn from a notification or their own replica's poll.
   */
  private async serveBatch(token: number): Promise<number> {
    const queued = await this.candidates.queuedWithWindows(
      this.batchSize,
      BATCH_WINDOW,
    );
    if (queued.length === 0) return 0;
    const claimable = queued.map(q => q.machine).filter(isClaimable);
    const stale = queued
      .filter(q => !isClaimable(q.machine))
      .map(q => q.machine.id);
    // Deferred requests stay queued, at the front, for the next batch.
    const { assignments, unserved } = assignHosts(
      claimable,
      new Map(queued.map(q => [q.machine.id, q.window])),
    );
    const localUnserved = unserved.filter(id => this.waiters.has(id));
    // Requests answered here are removed; the others' requesters read `no_hosts`.
    const settled = [...stale, ...localUnserved];
    const noHosts = unserved.filter(id => !localUnserved.includes(id));
    const written = await this.writeBatch(token, assignments, settled, noHosts);
    if (written === undefined) return 0;

    const answer = { attempts: 0, conflicts: 0 };
    for (const { machine, host } of assignments) {
      if (!written.has(machine.id)) {
        // Its host or machine changed since the read: asked again next batch.
        this.claimMetrics.attempt('conflict', 'optimistic_lock');
        continue;
      }
      this.claimMetrics.attempt('success');
      this.settle(machine.id, {
        result: {
          ...answer,
          machineId: machine.id,
          outcome: 'claimed',
          hostId: host.id,
        },
      });
    }
    for (const machineId of unserved) {
      this.claimMetrics.attempt('no_hosts');
      if (localUnserved.includes(machineId)) {
        this.settle(machineId, {
          result: { ...answer, machineId, outcome: 'no_hosts' },
        });
      }
    }
    return queued.length;
  }

  /**
   * Writes a batch under the lease: on PostgreSQL in one statement that
   * leaves out claims whose host or machine changed since the read; on
   * SQLite in one transaction, all or nothing. Returns the machines that
   * got their host (undefined: none, the batch lost a race and is read
   * again); throws LeaseLostError when fenced off.
   */
  private async writeBatch(
    token: number,
    assignments: Assignment[],
    settled: string[],
    noHosts: string[],
  ): Promise<Set<string> | undefined> {
    if (isPostgres(this.knex)) {
      const result = await writeClaimBatch(this.knex, {
        claims: assignments.map(({ machine, host }) => ({
          machineId: machine.id,
          host: { id: host.id, version: host.version },
        })),
        settled,
        noHosts,
        fence: this.elector.fenceCte(token),
      });
      if (!result.fenced) this.elector.fencedOff(token);
      return new Set(result.written);
    }
    try {
      await this.knex.transaction(async trx => {
        for (const { machine, host } of assignments) {
          await writeClaim(trx, machine.id, host);
        }
        await this.requests.remove(trx, [
          ...assignments.map(a => a.machine.id),
          ...settled,
        ]);
        await this.requests.markNoHosts(trx, noHosts);
        await this.elector.fence(trx, token);
      });
    } catch (error) {
      if (error instanceof ClaimLostError) {
        // Someone wrote a host or machine outside the leader: read again.
        this.claimMetrics.attempt(
          'conflict',
          error.reason === 'machine_taken' ? 'invalid_state' : error.reason,
        );
        return undefined;
      }
      throw error;
    }
    return new Set(assignments.map(a => a.machine.id));
  }

  /** How long a loop waits between looks at the database. */
  private get pollMs(): number {
    return this.signals.listening
      ? this.signalledPollIntervalMs
      : this.pollIntervalMs;
  }

  /**
   * A claim was queued: the leader looks now, or, when it is busy with a
   * batch, as soon as that batch is done (a wake-up is never lost).
   */
  private rouseLeader(): void {
    if (this.wakeLeader) this.wakeLeader();
    else this.leaderRoused = true;
  }

  /** Waits a poll interval, or less if a claim is queued meanwhile (this replica's, or any with notifications). */
  private idle(): Promise<void> {
    // A stop during the batch found no wait to end: the loop ends now instead.
    if (this.stopped) return Promise.resolve();
    if (this.leaderRoused) {
      this.leaderRoused = false;
      return Promise.resolve();
    }
    return wait(this.pollMs, wake => {
      this.wakeLeader = wake;
    }).finally(() => {
      this.wakeLeader = undefined;
    });
  }

  /**
   * What a committed batch answered, as heard by every replica: claims
   * waiting here that got a host are answered at once; for the others
   * (no host fits) the answer loop looks now.
   */
  private hear(answers: ClaimAnswers) {
    let look = false;
    for (const [machineId, hostId] of Object.entries(answers)) {
      if (!this.waiters.has(machineId)) continue;
      if (hostId) {
        this.settle(machineId, {
          result: {
            machineId,
            attempts: 0,
            conflicts: 0,
            outcome: 'claimed',
            hostId,
          },
        });
      } else {
        look = true;
      }
    }
    if (look) this.wakeRequester?.();
  }

  /** While claims wait on this replica, polls their requests for answers. */
  private async answerLoop(): Promise<void> {
    while (!this.stopped) {
      await wait(this.pollMs, wake => {
        this.wakeRequester = wake;
      });
      this.wakeRequester = undefined;
      if (this.waiters.size === 0) continue;
      try {
        await this.answerWaiters();
      } catch (error) {
        this.options.logger?.warn(`Polling claim requests failed: ${error}`);
      }
    }
  }

  private async answerWaiters(): Promise<void> {
    const ids = [...this.waiters.keys()];
    const statuses = await this.requests.statuses(ids);
    for (const machineId of ids) {
      const status = statuses.get(machineId);
      if (status?.state === 'pending') continue;
      const answer = (result: ClaimResult) =>
        this.settle(machineId, { result });
      if (status?.state === 'done' && status.hostId) {
        answer({
          machineId,
          attempts: 0,
          conflicts: 0,
          outcome: 'claimed',
          hostId: status.hostId,
        });
      } else if (status?.state === 'no_hosts') {
        await this.requests.remove(this.knex, [machineId]);
        answer({ machineId, attempts: 0, conflicts: 0, outcome: 'no_hosts' });
      } else {
        // The request vanished without a host: the machine was released or
        // deleted, or the request was lost in a crash (it commits early).
        try {
          const early = answerUnlessClaimable(
            machineId,
            await this.requests.enqueue(machineId, this.replicaId),
          );
          if (early) answer(early);
        } catch (error) {
          this.settle(machineId, { error });
        }
      }
    }
  }

  private settle(
    machineId: string,
    answer: { result: ClaimResult } | { error: unknown },
  ) {
    const waiters = this.waiters.get(machineId) ?? [];
    this.waiters.delete(machineId);
    for (const waiter of waiters) {
      if ('result' in answer) waiter.resolve(answer.result);
      else waiter.reject(answer.error);
    }
  }

  private removeWaiter(machineId: string, waiter: Waiter) {
    const rest = (this.waiters.get(machineId) ?? []).filter(w => w !== waiter);
    if (rest.length) this.waiters.set(machineId, rest);
    else this.waiters.delete(machineId);
  }
}

/** Waits `ms`, or until `onWake`'s function is called. */
function wait(ms: number, onWake: (wake: () => void) => void): Promise<void> {
  return new Promise<void>(resolve => {
    const timer = setTimeout(resolve, ms);
    onWake(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
