import { LoggerService } from '@backstage/backend-plugin-api';
import { Host, HostState } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { ProvisioningConfig } from '../config';
import { formatDuration } from '../config/duration';
import { HostEventStore } from '../database/HostEventStore';
import { HostStore } from '../database/HostStore';
import { QueueMetrics } from '../metrics/queueMetrics';
import { ProvisioningQueue } from '../queue/ProvisioningQueue';
import { JobOperation } from '../queue/types';
import { InvalidTransitionError } from './errors';
import { enqueueFor } from './enqueueFor';
import { failHost, recoverHost } from './hostActions';
import { TRANSIENT_STATES } from './transitions';

/** The job each state waits for. */
const JOB_FOR_STATE: Partial<Record<HostState, JobOperation>> = {
  Enrolling: 'inspect',
  Claimed: 'provision',
  Provisioning: 'provision',
  Deprovisioning: 'deprovision',
};

export interface HostReconcilerOptions {
  knex: Knex;
  queue: ProvisioningQueue;
  config: Pick<ProvisioningConfig, 'stuckStateTimeoutMs'>;
  logger: LoggerService;
  metrics?: Pick<QueueMetrics, 'hostStateTransitions'>;
}

/**
 * Makes sure every host in a state that needs BMC work has its job, and
 * sends to Error a host left in a transient state with nobody working on
 * it. Safe on every replica at once: enqueueing is idempotent per host and
 * every transition is a version-checked write.
 */
export class HostReconciler {
  private readonly hosts: HostStore;

  constructor(private readonly options: HostReconcilerOptions) {
    this.hosts = new HostStore(options.knex);
  }

  async reconcileAll(): Promise<void> {
    const hosts = await this.hosts.list({
      state: Object.keys(JOB_FOR_STATE) as HostState[],
    });
    for (const host of hosts) await this.reconcileHost(host);
  }

  async reconcile(hostId: string): Promise<void> {
    const host = await this.hosts.get(hostId);
    if (host) await this.reconcileHost(host);
  }

  /** Error -> Deprovisioning (the cleanup), or Enrolling after a failed inspection; the job is queued. */
  async recover(hostId: string, message?: string): Promise<void> {
    await recoverHost(
      this.options.knex,
      { hostId, message },
      this.options.metrics,
    );
    await this.reconcile(hostId);
  }

  /** The host's recorded transitions, oldest first. */
  listEvents(hostId: string) {
    return new HostEventStore(this.options.knex).list(hostId);
  }

  private async reconcileHost(host: Host): Promise<void> {
    const { queue, logger } = this.options;
    const operation = JOB_FOR_STATE[host.state];
    if (!operation) return;
    try {
      let active = await queue.activeJob(host.id);
      if (!active && this.isStuck(host)) {
        await this.failStuck(host);
        return;
      }
      // Released before provisioning started: the cleanup replaces it.
      if (
        operation === 'deprovision' &&
        active?.operation === 'provision' &&
        active.status === 'queued' &&
        (await queue.cancelQueued(host.id))
      ) {
        active = undefined;
      }
      if (!active) await enqueueFor(queue, logger, host, operation);
    } catch (error) {
      if (error instanceof InvalidTransitionError) return; // changed meanwhile
      logger.warn(`Could not reconcile host ${host.id}: ${error}`);
    }
  }

  private isStuck(host: Host): boolean {
    return (
      TRANSIENT_STATES.includes(host.state) &&
      Date.now() - Date.parse(host.updatedAt) >
        this.options.config.stuckStateTimeoutMs
    );
  }

  private async failStuck(host: Host) {
    const limit = formatDuration(this.options.config.stuckStateTimeoutMs);
    await failHost(
      this.options.knex,
      {
        hostId: host.id,
        reason: 'StuckInState',
        message: `${host.state} for more than ${limit} with no operation running`,
        from: [host.state],
      },
      this.options.metrics,
    );
  }
}
