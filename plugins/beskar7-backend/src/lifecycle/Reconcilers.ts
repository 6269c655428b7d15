import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { QueueMetrics } from '../metrics/queueMetrics';
import { ProvisioningQueue } from '../queue/ProvisioningQueue';
import { ProvisioningJob } from '../queue/types';
import { HostReconciler } from './HostReconciler';
import { MachineReconciler } from './MachineReconciler';

export interface ReconcilersOptions {
  hosts: HostReconciler;
  machines: MachineReconciler;
  queue: ProvisioningQueue;
  logger: LoggerService;
  intervalMs: number;
  /** Backstage's scheduler; a plain timer is used without one (tests, benchmarks). */
  scheduler?: SchedulerService;
  /** Times each pass (the performance runbook reads its p95). */
  metrics?: Pick<QueueMetrics, 'reconcileDuration'>;
}

/**
 * Runs both reconcilers on a schedule and on change (a job this replica
 * finished, or a notify from the API), on every replica: the schedule's
 * scope is local on purpose, the writes are safe to race.
 */
export class Reconcilers {
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;
  private stopped = false;
  private unsubscribe?: () => void;

  constructor(private readonly options: ReconcilersOptions) {}

  async start(): Promise<void> {
    const { scheduler, intervalMs, queue } = this.options;
    this.stopped = false;
    this.unsubscribe = queue.onJobFinished(
      job =>
        void this.onJobFinished(job).catch(error =>
          this.options.logger.warn(
            `Reconciling after job ${job.id} failed: ${error}`,
          ),
        ),
    );
    if (scheduler) {
      await scheduler.scheduleTask({
        id: 'beskar7-lifecycle-reconcile',
        frequency: { milliseconds: intervalMs },
        timeout: { minutes: 10 },
        scope: 'local',
        // The scheduler may fire once more after stop(), when the database
        // may be gone.
        fn: async () => {
          if (!this.stopped) await this.reconcileAll();
        },
      });
      return;
    }
    const tick = async () => {
      await this.reconcileAll();
      if (!this.stopped) this.timer = setTimeout(tick, intervalMs);
    };
    void tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.unsubscribe?.();
    await this.pass;
  }

  /** One pass over every machine and host that needs work; passes never overlap. */
  reconcileAll(): Promise<void> {
    this.pass ??= (async () => {
      const done = this.options.metrics?.reconcileDuration.startTimer();
      try {
        await this.options.machines.reconcileAll();
        await this.options.hosts.reconcileAll();
        done?.();
      } catch (error) {
        this.options.logger.warn(`Reconcile pass failed: ${error}`);
      } finally {
        this.pass = undefined;
      }
    })();
    return this.pass;
  }

  /** A machine was created, changed or released. */
  notifyMachine(machineId: string): Promise<void> {
    return this.options.machines.reconcile(machineId);
  }

  /** A host was created, changed or recovered. */
  notifyHost(hostId: string): Promise<void> {
    return this.options.hosts.reconcile(hostId);
  }

  private async onJobFinished(job: ProvisioningJob) {
    if (this.stopped) return;
    await this.options.hosts.reconcile(job.hostId);
    if (job.machineId) await this.options.machines.reconcile(job.machineId);
  }
}
