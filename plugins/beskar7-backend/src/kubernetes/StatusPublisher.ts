import { LoggerService } from '@backstage/backend-plugin-api';
import { HostStore } from '../database/HostStore';
import { MachineStore } from '../database/MachineStore';
import { describeError } from './apiErrors';
import { KubernetesController } from './KubernetesController';

export interface StatusPublisherOptions {
  hosts: HostStore;
  machines: MachineStore;
  controller: Pick<
    KubernetesController,
    'publishHost' | 'publishMachine' | 'hostsChanged' | 'removeReleasedHosts'
  >;
  logger: LoggerService;
  /** Watch one namespace; all namespaces when absent. */
  namespace?: string;
  /** How often changed rows are looked for (default 2 s). */
  intervalMs?: number;
  /**
   * Rows written this long before the last look are read again: replicas
   * stamp rows with their own clocks, which may lag (default 30 s).
   * Publishing is idempotent, so a row read twice costs a read, not a write.
   */
  clockSkewMs?: number;
  /** Whether this replica publishes (the controller's active replica). */
  isActive?: () => boolean;
}

/**
 * Carries inventory changes (claims, state changes, releases) to the
 * status subresources within seconds, rather than at the next resync: every
 * interval it reads the hosts and machines written since the last look and
 * publishes each. Objects with no Kubernetes counterpart are skipped by
 * the controller.
 */
export class StatusPublisher {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private since = new Date(0);
  /** Row version last published, per host and machine read in the window. */
  private published = new Map<string, string>();
  private stopped = true;

  constructor(private readonly options: StatusPublisherOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One look: publishes what changed since the previous one; returns how many it published. */
  async publishChanges(): Promise<number> {
    const { hosts, machines, controller, namespace, logger } = this.options;
    if (!(this.options.isActive?.() ?? true)) return 0;
    const lookedAt = new Date();
    const since = this.since;
    const filter = { namespace, updatedSince: since };
    const [changedHosts, changedMachines] = await Promise.all([
      hosts.list(filter),
      machines.list(filter),
    ]);
    // A held host's change (its cleanup failing) shows on its machine too.
    const consumers = await Promise.all(
      changedHosts.map(h =>
        h.consumerId ? machines.get(h.consumerId) : undefined,
      ),
    );
    const changes = [
      ...changedHosts.map(h => ({
        key: `host/${h.id}`,
        version: String(h.version),
        publish: () => controller.publishHost(h.namespace, h.name),
        released: !h.consumerId,
      })),
      ...consumers.flatMap((m, i) =>
        m
          ? [
              {
                key: `consumer/${m.id}`,
                version: String(changedHosts[i].version),
                publish: () => controller.publishMachine(m.namespace, m.name),
                released: false,
              },
            ]
          : [],
      ),
      ...changedMachines.map(m => ({
        key: `machine/${m.id}`,
        version: m.updatedAt,
        publish: () => controller.publishMachine(m.namespace, m.name),
        released: false,
      })),
    ];
    // Only rows inside the window can be read again: the rest is forgotten.
    const published = new Map<string, string>();
    let failed = 0;
    let written = 0;
    let hostsChanged = false;
    let released = false;
    for (const change of changes) {
      if (this.published.get(change.key) === change.version) {
        published.set(change.key, change.version);
        continue;
      }
      hostsChanged ||= change.key.startsWith('host/');
      released ||= change.released;
      try {
        await change.publish();
        published.set(change.key, change.version);
        written++;
      } catch (error) {
        failed++;
        logger.debug(`Publishing a status failed: ${describeError(error)}`);
      }
    }
    // A host kept for its machine after its PhysicalHost went may be among
    // the released: one sweep for them all rather than a DELETE per host.
    if (released) {
      try {
        await controller.removeReleasedHosts();
      } catch (error) {
        failed++;
        logger.debug(`Removing released hosts failed: ${describeError(error)}`);
      }
    }
    this.published = published;
    // New hosts, or hosts in another failure domain, change a cluster's.
    if (hostsChanged) controller.hostsChanged();
    // A failed write is retried at the next look, or else the next resync.
    if (failed === 0) {
      this.since = new Date(
        lookedAt.getTime() - (this.options.clockSkewMs ?? 30_000),
      );
    }
    return written;
  }

  private schedule() {
    this.timer = setTimeout(() => {
      this.running = this.publishChanges()
        .then(
          () => undefined,
          error =>
            this.options.logger.warn(
              `Publishing statuses failed: ${describeError(error)}`,
            ),
        )
        .finally(() => {
          if (!this.stopped) this.schedule();
        });
    }, this.options.intervalMs ?? 2_000);
  }
}
