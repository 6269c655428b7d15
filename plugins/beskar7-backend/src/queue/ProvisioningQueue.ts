import { LoggerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { ProvisioningConfig } from '../config';
import { isTransientDatabaseError } from '../database/errors';
import { QueueMetrics } from '../metrics/queueMetrics';
import { retryDelayMs } from './backoff';
import {
  OperationTimeoutError,
  QueueDrainingError,
  QueueFullError,
} from './errors';
import { ClaimedJob, JobStore } from './JobStore';
import { LeaseLostError, timeoutError, untilAborted } from './runJob';
import {
  EnqueueRequest,
  EnqueueResult,
  JobHandler,
  JobStatus,
  ProvisioningJob,
  QueueStatus,
} from './types';
import { Wakeable } from './wakeableSleep';

export interface ProvisioningQueueOptions {
  knex: Knex;
  config: ProvisioningConfig;
  handler: JobHandler;
  logger: LoggerService;
  metrics?: QueueMetrics;
  /** Names this replica in job rows; random by default. */
  replicaId?: string;
}

type FinishedListener = (job: ProvisioningJob) => void;

/**
 * One replica's view of the shared provisioning queue: it enqueues jobs and
 * runs `workerCount` workers that take due jobs from the database. The
 * limits (global concurrency, per-BMC cooldown, one job per host) live in
 * the database, so any number of replicas can run side by side.
 */
export class ProvisioningQueue {
  readonly replicaId: string;
  private readonly store: JobStore;
  private readonly wakeable = new Wakeable();
  private readonly running = new Map<string, AbortController>();
  private readonly listeners = new Set<FinishedListener>();
  private workers: Promise<void>[] = [];
  private stopping = false;
  private abandoned = false;
  private pausedCache?: { value: boolean; readAt: number };

  constructor(private readonly options: ProvisioningQueueOptions) {
    this.replicaId = options.replicaId ?? `replica-${randomUUID()}`;
    this.store = new JobStore(options.knex);
    options.metrics?.bindQueue(this.store);
    options.metrics?.queueMaxSize.set(options.config.maxQueueSize);
    options.metrics?.maxConcurrentOps.set(options.config.maxConcurrentOps);
  }

  /** Queues an operation; throws QueueFullError or QueueDrainingError (and counts them). */
  async enqueue(request: EnqueueRequest): Promise<EnqueueResult> {
    const { config, metrics } = this.options;
    try {
      const result = await this.store.enqueue(request, {
        maxQueueSize: config.maxQueueSize,
        maxAttempts: config.retry.maxRetries + 1,
      });
      if (result.created) this.wakeable.wakeAll();
      return result;
    } catch (error) {
      if (error instanceof QueueFullError) {
        metrics?.queueRejections.inc({ reason: 'full' });
      } else if (error instanceof QueueDrainingError) {
        metrics?.queueRejections.inc({ reason: 'draining' });
      }
      throw error;
    }
  }

  /** Cancels the host's job if it has not started; a running one is left to finish. */
  cancelQueued(hostId: string): Promise<boolean> {
    return this.store.cancelQueued(hostId);
  }

  getJob(id: string) {
    return this.store.get(id);
  }

  listJobs(filter?: { hostId?: string; status?: JobStatus[]; limit?: number }) {
    return this.store.list(filter);
  }

  activeJob(hostId: string) {
    return this.store.activeJob(hostId);
  }

  /** Called with each job this replica finished (succeeded, failed, or queued for a retry). */
  onJobFinished(listener: FinishedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.workers.length > 0) return;
    this.stopping = false;
    this.workers = Array.from(
      { length: this.options.config.workerCount },
      (_, i) => this.workerLoop(i),
    );
  }

  /** Stops taking jobs and waits for this replica's running jobs to end. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeable.wakeAll();
    await Promise.all(this.workers);
    this.workers = [];
  }

  /**
   * Stops as a crash would: running operations are aborted and nothing more
   * is written, so their leases stay until they expire and another replica
   * takes the jobs over. For tests, drills and benchmarks.
   */
  async abandon(): Promise<void> {
    this.abandoned = true;
    this.stopping = true;
    for (const controller of this.running.values()) {
      controller.abort(new LeaseLostError('replica abandoned its jobs'));
    }
    this.wakeable.wakeAll();
    await Promise.all(this.workers);
    this.workers = [];
  }

  /** No worker on any replica takes new jobs; running ones finish. */
  async pause(): Promise<QueueStatus> {
    await this.store.setSwitches({ paused: true });
    this.pausedCache = undefined;
    return this.status();
  }

  /** Clears pause and drain. */
  async resume(): Promise<QueueStatus> {
    await this.store.setSwitches({ paused: false, draining: false });
    this.pausedCache = undefined;
    this.wakeable.wakeAll();
    return this.status();
  }

  /** New jobs are refused while the queued and running ones are worked off. */
  async drain(): Promise<QueueStatus> {
    await this.store.setSwitches({ draining: true });
    return this.status();
  }

  async status(): Promise<QueueStatus> {
    const { config } = this.options;
    const [counts, switches, cooldowns] = await Promise.all([
      this.store.counts(),
      this.store.readSwitches(),
      this.store.cooldowns(),
    ]);
    return {
      length: counts.queued,
      maxQueueSize: config.maxQueueSize,
      processing: counts.running,
      maxConcurrentOps: config.maxConcurrentOps,
      workerCount: config.workerCount,
      paused: switches.paused,
      draining: switches.draining,
      cooldowns,
    };
  }

  private async workerLoop(index: number): Promise<void> {
    const { logger, config } = this.options;
    while (!this.stopping) {
      let claimed: ClaimedJob | undefined;
      try {
        if (!(await this.isPaused())) claimed = await this.claimNext(index);
      } catch (error) {
        const log = isTransientDatabaseError(error)
          ? logger.debug
          : logger.warn;
        log.call(logger, `Provisioning worker could not claim a job: ${error}`);
      }
      if (claimed) await this.runSafely(claimed);
      else if (!this.stopping) await this.wakeable.sleep(config.pollIntervalMs);
    }
  }

  /** The pause switch, read at most once per poll interval per replica. */
  private async isPaused(): Promise<boolean> {
    const now = Date.now();
    const cache = this.pausedCache;
    if (cache && now - cache.readAt < this.options.config.pollIntervalMs) {
      return cache.value;
    }
    const { paused } = await this.store.readSwitches();
    this.pausedCache = { value: paused, readAt: now };
    return paused;
  }

  private async claimNext(index: number): Promise<ClaimedJob | undefined> {
    const { config, metrics } = this.options;
    const candidates = await this.store.findCandidates(
      config.workerCount * 2 + 4,
    );
    // Workers of one replica start at different candidates to avoid racing for the first.
    for (let i = 0; i < candidates.length; i++) {
      const candidate = candidates[(i + index) % candidates.length];
      const result = await this.store.tryClaim(candidate, {
        ownerId: this.replicaId,
        leaseMs: config.leaseDurationMs,
        maxConcurrentOps: config.maxConcurrentOps,
        cooldownMs: this.cooldownFor(candidate.vendor),
      });
      if (result === 'no_slot') return undefined;
      if (result === 'lost') continue;
      if (candidate.waitedForCooldown) {
        metrics?.cooldownWaits.inc({ bmc_address: candidate.bmcAddress });
      }
      return result;
    }
    return undefined;
  }

  private cooldownFor(vendor: string | undefined): number {
    const { bmcCooldownMs, vendorCooldownMs } = this.options.config;
    const override = vendor
      ? vendorCooldownMs[vendor.toLowerCase()]
      : undefined;
    return override ?? bmcCooldownMs;
  }

  /** A run that cannot even record its end (the database is gone) must not end the worker. */
  private async runSafely(claimed: ClaimedJob): Promise<void> {
    try {
      await this.run(claimed);
    } catch (error) {
      this.options.logger.warn(
        `Provisioning worker: job ${claimed.job.id}: ${error}`,
      );
    }
  }

  private async run({ job, token }: ClaimedJob): Promise<void> {
    const { config, handler, logger, metrics } = this.options;
    const controller = new AbortController();
    this.running.set(job.id, controller);
    const timer = setTimeout(
      () => controller.abort(timeoutError(config.operationTimeoutMs)),
      config.operationTimeoutMs,
    );
    const heartbeat = this.keepLease(token, controller);
    const started = performance.now();
    let failure: Error | undefined;
    try {
      await untilAborted(
        handler.run(job, { signal: controller.signal }),
        controller.signal,
        config.leaseDurationMs,
      );
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    } finally {
      clearTimeout(timer);
      this.running.delete(job.id);
    }
    controller.abort(); // ends the heartbeat
    await heartbeat;
    if (this.abandoned || failure instanceof LeaseLostError) return;

    metrics?.bmcOperationDuration.observe(
      {
        operation: job.operation,
        vendor: job.vendor ?? 'unknown',
        outcome: outcomeOf(failure),
      },
      (performance.now() - started) / 1000,
    );
    try {
      if (!failure) {
        await this.store.finish(token, job.id, { status: 'succeeded' });
      } else if (job.attempt < job.maxAttempts) {
        const retryInMs = retryDelayMs(config.retry, job.attempt);
        logger.info(
          `Job ${job.id} (${job.operation} of host ${job.hostId}) failed attempt ${job.attempt}/${job.maxAttempts}, retrying in ${retryInMs}ms: ${failure.message}`,
        );
        await this.store.finish(token, job.id, {
          status: 'queued',
          error: failure.message,
          retryInMs,
        });
      } else {
        const reason = `${job.operation} failed after ${job.attempt} attempts: ${failure.message}`;
        await handler
          .giveUp(job, new Error(reason))
          .catch(error =>
            logger.error(
              `Could not record the failure of job ${job.id}: ${error}`,
            ),
          );
        await this.store.finish(token, job.id, {
          status: 'failed',
          error: reason,
        });
      }
    } catch (error) {
      // The lease runs out and another replica finishes the job.
      logger.warn(`Could not record the end of job ${job.id}: ${error}`);
    }
    this.wakeable.wakeAll();
    const finished = await this.store.get(job.id);
    if (finished) for (const listener of this.listeners) listener(finished);
  }

  /** Renews the leases every third of their duration until the run ends; aborts the run if they are lost. */
  private async keepLease(token: string, run: AbortController): Promise<void> {
    const { config, logger } = this.options;
    const period = Math.max(10, Math.floor(config.leaseDurationMs / 3));
    const pause = () =>
      new Promise<void>(resolve => {
        let timer: NodeJS.Timeout | undefined = undefined;
        const done = () => {
          clearTimeout(timer);
          run.signal.removeEventListener('abort', done);
          resolve();
        };
        timer = setTimeout(done, period);
        run.signal.addEventListener('abort', done);
      });
    while (!run.signal.aborted) {
      await pause();
      if (run.signal.aborted || this.abandoned) return;
      const held = await this.store
        .renew(token, config.leaseDurationMs)
        .catch(error => {
          logger.warn(`Could not renew a job lease: ${error}`);
          return true; // keep going; the next renewal may succeed before expiry
        });
      if (!held) run.abort(new LeaseLostError('the job lease was lost'));
    }
  }
}

/** The `outcome` label of a run. */
function outcomeOf(failure: Error | undefined): string {
  if (!failure) return 'success';
  return failure instanceof OperationTimeoutError ? 'timeout' : 'error';
}
