import { LoggerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { performance } from 'node:perf_hooks';
import { FenceCte, LeaseStore } from '../database/LeaseStore';
import { Beskar7Metrics, LeaderElectionEvent } from '../metrics';
import { LeaderElectionTiming } from './leaderElection';

export interface LeaseElectorOptions {
  knex: Knex;
  leaseName: string;
  /** This replica's identity in the lease. */
  holderId: string;
  timing: LeaderElectionTiming;
  metrics: Beskar7Metrics;
  logger?: LoggerService;
  /**
   * Whether this replica may hold the lease at all (default: always). With
   * a Kubernetes Lease electing the coordinator, only its holder stands; the
   * database lease then only fences, and the Kubernetes election is the one
   * that counts transitions.
   */
  candidate?: () => boolean;
}

/** Thrown when a write was fenced off: this replica no longer holds the lease. */
export class LeaseLostError extends Error {
  constructor(leaseName: string) {
    super(`lease ${leaseName} is no longer held by this replica`);
    this.name = 'LeaseLostError';
  }
}

/**
 * Elects one leader among replicas through a lease row. Every retry period
 * the leader renews and the others try to acquire. A leader that cannot
 * renew for the renew deadline steps down; the others take over once the
 * lease has expired on the database's clock. Each change of holder bumps the
 * fencing token, and `fence` makes a deposed leader's transaction fail.
 */
export class LeaseElector {
  private readonly leases: LeaseStore;
  private fencingToken: number | undefined;
  private lastRenewedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly options: LeaseElectorOptions) {
    this.leases = new LeaseStore(options.knex);
  }

  /**
   * The fencing token while this replica leads, otherwise undefined. A
   * leader past its renew deadline (say, after a long pause) no longer
   * counts itself as one, even before its next round notices.
   */
  get token(): number | undefined {
    const late =
      performance.now() - this.lastRenewedAt >
      this.options.timing.renewDeadlineMs;
    return late ? undefined : this.fencingToken;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops electing; a leader gives the lease up so that others need not wait for it to expire. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    const token = this.fencingToken;
    if (token !== undefined) await this.giveUp(token);
  }

  private async giveUp(token: number): Promise<void> {
    this.fencingToken = undefined;
    try {
      await this.leases.release(
        this.options.leaseName,
        this.options.holderId,
        token,
      );
      this.record('released');
    } catch (error) {
      this.options.logger?.warn(
        `Could not release lease ${this.options.leaseName}: ${error}`,
      );
    }
  }

  /** One round: renew if leading, otherwise try to acquire. */
  async tick(): Promise<void> {
    const { leaseName, holderId, timing, candidate } = this.options;
    const token = this.fencingToken;
    if (candidate && !candidate()) {
      if (token !== undefined) await this.giveUp(token);
      return;
    }
    if (token === undefined) {
      const acquired = await this.leases.tryAcquire(
        leaseName,
        holderId,
        timing.leaseDurationMs,
      );
      if (acquired !== undefined) {
        this.fencingToken = acquired;
        this.lastRenewedAt = performance.now();
        this.record('acquired');
        this.options.logger?.info(
          `Acquired lease ${leaseName} (fencing token ${acquired})`,
        );
      }
      return;
    }
    let renewed: boolean;
    try {
      renewed = await this.leases.renew(
        leaseName,
        holderId,
        token,
        timing.leaseDurationMs,
      );
    } catch (error) {
      this.record('renew_failed');
      if (performance.now() - this.lastRenewedAt > timing.renewDeadlineMs) {
        this.stepDown(`could not renew within the renew deadline: ${error}`);
      }
      return;
    }
    if (renewed) {
      this.lastRenewedAt = performance.now();
      this.record('renewed');
    } else {
      this.stepDown('the lease expired or was taken over');
    }
  }

  /**
   * Checks, as the last statement of `trx`, that this replica still holds
   * the lease with the same token; throws LeaseLostError (so the caller's
   * transaction rolls back) and steps down if not.
   */
  async fence(trx: Knex.Transaction, token: number): Promise<void> {
    const { leaseName, holderId } = this.options;
    if (!(await this.leases.fence(trx, leaseName, holderId, token))) {
      this.fencedOff(token);
    }
  }

  /** For a statement that fences its own writes: the fence CTE for `token`. */
  fenceCte(token: number): FenceCte {
    return this.leases.fenceCte(
      this.options.leaseName,
      this.options.holderId,
      token,
    );
  }

  /** A write with `token` was fenced off: steps down and throws LeaseLostError. */
  fencedOff(token: number): never {
    if (this.fencingToken === token) {
      this.stepDown('a write was fenced off');
    }
    throw new LeaseLostError(this.options.leaseName);
  }

  private stepDown(why: string) {
    this.fencingToken = undefined;
    this.record('lost');
    this.options.logger?.warn(`Lost lease ${this.options.leaseName}: ${why}`);
  }

  private record(event: LeaderElectionEvent) {
    if (this.options.candidate) return;
    this.options.metrics.leaderElections.inc({ event_type: event });
  }

  private schedule(delayMs: number) {
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch(error =>
          this.options.logger?.warn(
            `Leader election round for ${this.options.leaseName} failed: ${error}`,
          ),
        )
        .finally(() => {
          if (!this.stopped) this.schedule(this.options.timing.retryPeriodMs);
        });
    }, delayMs);
  }
}
