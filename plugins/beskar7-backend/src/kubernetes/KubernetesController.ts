import { LoggerService } from '@backstage/backend-plugin-api';
import { KubernetesHealth } from '@beskar7/backstage-plugin-beskar7-common';
import { isError } from '@backstage/errors';
import { KubeConfig } from '@kubernetes/client-node';
import { describeError } from './apiErrors';
import { CustomObjectWriter } from './CustomObjectWriter';
import { EventRecorder } from './EventRecorder';
import {
  claimConflictEvent,
  EventSpec,
  hostStatusEvents,
  machineStatusEvents,
} from './events';
import {
  beskar7MachineToRequest,
  consumerRefOf,
  hostStatusOf,
  machineStatusOf,
  physicalHostToRegistration,
  providerIdOf,
} from './mapping';
import { InventorySink, MachineSink, StatusSource } from './ports';
import { ResourceInformer } from './ResourceInformer';
import { sameJson } from './sameJson';
import {
  BESKAR7_MACHINE,
  Beskar7MachineObject,
  KubeObject,
  PHYSICAL_HOST,
  PhysicalHostObject,
} from './types';

export interface KubernetesControllerOptions {
  kubeConfig: KubeConfig;
  inventory: InventorySink;
  machines: MachineSink;
  status: StatusSource;
  logger: LoggerService;
  /** This replica, in the Events it records. */
  instance: string;
  /** Watch one namespace; all namespaces when absent. */
  namespace?: string;
  /** Every object is handled again this often (default 30 s): retries and catch-up. */
  resyncIntervalMs?: number;
  backoff?: { initialMs?: number; maxMs?: number };
  /**
   * Whether this replica acts on what it sees: writes to the inventory and
   * to Kubernetes. Give it the leader's `isLeader` so that one replica acts
   * and the others keep warm caches, and call `resync()` when it becomes
   * leader. Default: always.
   */
  isActive?: () => boolean;
}

/** Machine phases in which the machine holds its host. */
const HOLDING_PHASES = new Set(['Claimed', 'Provisioning', 'Provisioned']);

/**
 * Mirrors PhysicalHosts into the inventory, turns Beskar7Machines into
 * machine requests (setting `spec.providerID`), and reflects the inventory
 * back: statuses through the status subresource, `consumerRef` on a claimed
 * PhysicalHost, Events on phase changes. The inventory stays the source of
 * truth for claims; Kubernetes objects are how they are asked for and seen.
 * While the API server is away the rest of the backend works as usual and
 * `health()` reports degraded; resyncs catch up afterwards.
 */
export class KubernetesController {
  private readonly hosts: ResourceInformer<PhysicalHostObject>;
  private readonly machineObjects: ResourceInformer<Beskar7MachineObject>;
  private readonly hostWriter: CustomObjectWriter<PhysicalHostObject>;
  private readonly machineWriter: CustomObjectWriter<Beskar7MachineObject>;
  private readonly events: EventRecorder;
  /** Generation (spec version) last handed to a sink successfully, per object. */
  private readonly handled = new Map<string, number | string>();
  private lastWriteError: string | undefined;

  constructor(private readonly options: KubernetesControllerOptions) {
    const { kubeConfig, logger, namespace, resyncIntervalMs, backoff } =
      options;
    const common = { kubeConfig, logger, namespace, resyncIntervalMs, backoff };
    this.hosts = new ResourceInformer({
      ...common,
      resource: PHYSICAL_HOST,
      handlers: {
        upsert: obj => this.onHost(obj),
        remove: obj => this.onHostRemoved(obj),
      },
    });
    this.machineObjects = new ResourceInformer({
      ...common,
      resource: BESKAR7_MACHINE,
      handlers: {
        upsert: obj => this.onMachine(obj),
        remove: obj => this.onMachineRemoved(obj),
      },
    });
    this.hostWriter = new CustomObjectWriter(kubeConfig, PHYSICAL_HOST);
    this.machineWriter = new CustomObjectWriter(kubeConfig, BESKAR7_MACHINE);
    this.events = new EventRecorder(kubeConfig, {
      logger,
      component: 'beskar7-backstage',
      instance: options.instance,
    });
  }

  /** Starts watching; does not wait for the API server, which may be away. */
  start(): void {
    this.hosts.start();
    this.machineObjects.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.hosts.stop(), this.machineObjects.stop()]);
  }

  /** Resolves once both kinds have been listed and handled once. */
  async whenSynced(): Promise<void> {
    await Promise.all([
      this.hosts.whenSynced(),
      this.machineObjects.whenSynced(),
    ]);
  }

  /** Handles every watched object again (call it on becoming leader). */
  resync(): void {
    this.handled.clear();
    this.hosts.resync();
    this.machineObjects.resync();
  }

  health(): KubernetesHealth {
    const informers = [this.hosts.health(), this.machineObjects.health()];
    const ok =
      informers.every(i => i.synced && i.connected) && !this.lastWriteError;
    return {
      status: ok ? 'ok' : 'degraded',
      informers,
      ...(this.lastWriteError && { lastWriteError: this.lastWriteError }),
    };
  }

  /** Writes the PhysicalHost's status from the inventory (call it when a host changed). */
  async publishHost(namespace: string, name: string): Promise<void> {
    // Hosts registered through the API have no PhysicalHost to write to.
    const cached = this.hosts.get(namespace, name);
    if (!this.active() || !cached) return;
    const host = await this.options.status.host(namespace, name);
    if (!host) return;
    // The watch keeps the cache current: when it already says what the
    // inventory says, no request is made (resyncs publish every object).
    const statusCurrent =
      changed(cached.status, hostStatusOf(host, cached.status)) === undefined;
    if (statusCurrent && (host.consumerId || !cached.spec.consumerRef)) return;
    await this.writing(async () => {
      const { before, after } = await this.hostWriter.updateStatus(
        namespace,
        name,
        fresh => changed(fresh.status, hostStatusOf(host, fresh.status)),
      );
      if (after) {
        await this.record(
          after,
          hostStatusEvents(before?.status, after.status!),
        );
      }
      if (!host.consumerId) {
        // Released: the PhysicalHost no longer names a consumer.
        await this.hostWriter.update(namespace, name, fresh => {
          if (!fresh.spec.consumerRef) return undefined;
          const { consumerRef: _, ...spec } = fresh.spec;
          return { ...fresh, spec };
        });
      }
    });
  }

  /** Writes the Beskar7Machine's status from the inventory (call it when a machine changed). */
  async publishMachine(namespace: string, name: string): Promise<void> {
    const cached = this.machineObjects.get(namespace, name);
    if (!this.active() || !cached) return;
    const found = await this.options.status.machine(namespace, name);
    if (!found) return;
    const { machine, host } = found;
    const statusCurrent =
      changed(cached.status, machineStatusOf(machine, host, cached.status)) ===
      undefined;
    const hostObject = host && this.hosts.get(host.namespace, host.name);
    const consumerRefCurrent =
      !hostObject ||
      !HOLDING_PHASES.has(machine.phase) ||
      sameJson(hostObject.spec.consumerRef, consumerRefOf(cached));
    if (statusCurrent && consumerRefCurrent) return;
    await this.writing(async () => {
      const { before, after } = await this.machineWriter.updateStatus(
        namespace,
        name,
        fresh =>
          changed(fresh.status, machineStatusOf(machine, host, fresh.status)),
      );
      if (after) {
        await this.record(
          after,
          machineStatusEvents(before?.status, after.status!),
        );
      }
      const current = after ?? before;
      if (current && host && HOLDING_PHASES.has(machine.phase)) {
        const ref = consumerRefOf(current);
        await this.hostWriter.update(host.namespace, host.name, fresh =>
          sameJson(fresh.spec.consumerRef, ref)
            ? undefined
            : { ...fresh, spec: { ...fresh.spec, consumerRef: ref } },
        );
      }
    });
  }

  /** Records a ClaimConflict Event on the Beskar7Machine, when there is one. */
  async recordClaimConflict(
    namespace: string,
    name: string,
    message: string,
  ): Promise<void> {
    const obj = this.machineObjects.get(namespace, name);
    if (obj && this.active()) {
      await this.events.record(obj, claimConflictEvent(message));
    }
  }

  private async onHost(obj: PhysicalHostObject): Promise<void> {
    if (!this.active()) return;
    const key = `${PHYSICAL_HOST.plural}/${keyOf(obj)}`;
    if (this.handled.get(key) !== specVersionOf(obj)) {
      await this.options.inventory.upsertHost(physicalHostToRegistration(obj));
      this.handled.set(key, specVersionOf(obj));
    }
    await this.publishHost(obj.metadata.namespace, obj.metadata.name);
  }

  private async onHostRemoved(obj: PhysicalHostObject): Promise<void> {
    this.handled.delete(`${PHYSICAL_HOST.plural}/${keyOf(obj)}`);
    if (!this.active()) return;
    try {
      await this.options.inventory.removeHost(
        obj.metadata.namespace,
        obj.metadata.name,
      );
    } catch (error) {
      if (!isError(error) || error.name !== 'ConflictError') throw error;
      await this.events.record(obj, {
        type: 'Warning',
        reason: 'HostInUse',
        message: `Kept in the inventory until released: ${error.message}`,
      });
    }
  }

  private async onMachine(obj: Beskar7MachineObject): Promise<void> {
    if (!this.active()) return;
    const { namespace, name } = obj.metadata;
    const key = `${BESKAR7_MACHINE.plural}/${keyOf(obj)}`;
    if (this.handled.get(key) !== specVersionOf(obj)) {
      await this.options.machines.ensureMachine(beskar7MachineToRequest(obj));
      this.handled.set(key, specVersionOf(obj));
    }
    const providerID = providerIdOf(namespace, name);
    if (obj.spec.providerID !== providerID) {
      await this.writing(() =>
        this.machineWriter.update(namespace, name, fresh =>
          fresh.spec.providerID === providerID
            ? undefined
            : { ...fresh, spec: { ...fresh.spec, providerID } },
        ),
      );
    }
    await this.publishMachine(namespace, name);
  }

  private async onMachineRemoved(obj: Beskar7MachineObject): Promise<void> {
    this.handled.delete(`${BESKAR7_MACHINE.plural}/${keyOf(obj)}`);
    if (!this.active()) return;
    await this.options.machines.releaseMachine(
      obj.metadata.namespace,
      obj.metadata.name,
    );
  }

  private active(): boolean {
    return this.options.isActive?.() ?? true;
  }

  /** Runs a write, remembering for health whether writes fail. */
  private async writing<T>(write: () => Promise<T>): Promise<T> {
    try {
      const result = await write();
      this.lastWriteError = undefined;
      return result;
    } catch (error) {
      this.lastWriteError = describeError(error);
      throw error;
    }
  }

  private async record(obj: KubeObject, events: EventSpec[]) {
    for (const event of events) await this.events.record(obj, event);
  }
}

/** `next`, unless it says what `current` says already. */
function changed<T>(current: T | undefined, next: T): T | undefined {
  return sameJson(current, next) ? undefined : next;
}

function keyOf(obj: KubeObject): string {
  return `${obj.metadata.namespace}/${obj.metadata.name}`;
}

/** `generation` moves with spec changes only; resourceVersion where it is absent. */
function specVersionOf(obj: KubeObject): number | string {
  return obj.metadata.generation ?? obj.metadata.resourceVersion ?? '';
}
