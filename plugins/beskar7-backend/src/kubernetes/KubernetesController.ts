import { LoggerService } from '@backstage/backend-plugin-api';
import {
  Host,
  KubernetesHealth,
  Machine,
} from '@beskar7/backstage-plugin-beskar7-common';
import { isError } from '@backstage/errors';
import { KubeConfig } from '@kubernetes/client-node';
import { describeError } from './apiErrors';
import { CredentialsRetention } from './CredentialsRetention';
import { CustomObjectWriter } from './CustomObjectWriter';
import { EventRecorder } from './EventRecorder';
import {
  claimConflictEvent,
  EventSpec,
  hostStatusEvents,
  machineStatusEvents,
} from './events';
import {
  acceptanceCurrent,
  beskar7MachineToRequest,
  consumerRefOf,
  hostStatusOf,
  machineStatusOf,
  physicalHostToRegistration,
  providerIdOf,
  requireStandaloneConfig,
  withAcceptance,
  withCondition,
} from './mapping';
import { Beskar7ClusterReconciler } from './Beskar7ClusterReconciler';
import {
  beskar7ClusterRefOf,
  ClusterApiGate,
  clusterApiGate,
  clusterNameOf,
  machineOwnerOf,
  managedByClusterApi,
} from './clusterApi';
import { ClusterApiReader } from './ClusterApiReader';
import {
  hasFinalizer,
  isDeleting,
  withFinalizer,
  withoutFinalizer,
} from './finalizers';
import { InventorySink, MachineSink, StatusSource } from './ports';
import { ResourceInformer } from './ResourceInformer';
import { sameJson } from './sameJson';
import {
  BESKAR7_MACHINE,
  Beskar7MachineObject,
  Beskar7MachineStatus,
  Condition,
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
  /**
   * Whether a Beskar7Machine may claim hosts of other namespaces (default:
   * its own namespace only, as in Metal3).
   */
  crossNamespaceClaims?: boolean;
  /** Every object is handled again this often (default 30 s): retries and catch-up. */
  resyncIntervalMs?: number;
  /** A Beskar7Machine waiting for Cluster API is looked at again this often (default 2 s). */
  waitingRecheckMs?: number;
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
  /**
   * Generation (spec version) last handed to a sink, per object, and the
   * sink's permanent refusal of it: a refused spec is not retried until it
   * changes.
   */
  private readonly handled = new Map<
    string,
    { version: number | string; refusal?: Refusal }
  >();
  private lastWriteError: string | undefined;
  private readonly clusterApi: ClusterApiReader;
  private readonly credentials: CredentialsRetention;
  private readonly clusters: Beskar7ClusterReconciler;
  /**
   * Beskar7Machines waiting for Cluster API (owner, bootstrap data): Cluster
   * API does not touch them when it sets these, so they are looked at again
   * sooner than the resync.
   */
  private readonly waiting = new Set<string>();
  private waitingTimer: NodeJS.Timeout | undefined;

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
    this.clusterApi = new ClusterApiReader(kubeConfig);
    this.credentials = new CredentialsRetention(kubeConfig, logger);
    this.clusters = new Beskar7ClusterReconciler({
      ...common,
      status: options.status,
      clusterApi: this.clusterApi,
      crossNamespace: options.crossNamespaceClaims ?? false,
      machinesOf: (ns, cluster) =>
        this.machineObjects
          .list()
          .filter(
            m =>
              m.metadata.namespace === ns &&
              clusterNameOf(m.metadata) === cluster,
          ).length,
      writing: write => this.writing(write),
      isActive: () => this.active(),
    });
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
    this.clusters.start();
    this.waitingTimer = setInterval(() => {
      for (const key of this.waiting) {
        const [namespace, name] = key.split('/');
        if (!this.machineObjects.requeue(namespace, name)) {
          this.waiting.delete(key);
        }
      }
    }, this.options.waitingRecheckMs ?? 2_000);
    this.waitingTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.waitingTimer);
    await Promise.all([
      this.hosts.stop(),
      this.machineObjects.stop(),
      this.clusters.stop(),
    ]);
  }

  /** Resolves once every kind has been listed and handled once. */
  async whenSynced(): Promise<void> {
    await Promise.all([
      this.hosts.whenSynced(),
      this.machineObjects.whenSynced(),
      this.clusters.whenSynced(),
    ]);
  }

  /** Handles every watched object again (call it on becoming leader). */
  resync(): void {
    this.handled.clear();
    // A host whose PhysicalHost went while the previous leader led.
    this.options.inventory
      .removeReleasedHosts({ namespace: this.options.namespace })
      .catch(error =>
        this.options.logger.warn(
          `Removing released hosts of deleted PhysicalHosts failed: ${describeError(
            error,
          )}`,
        ),
      );
    this.hosts.resync();
    this.machineObjects.resync();
    this.clusters.resync();
  }

  /** The inventory's hosts changed: the failure domains may have. */
  hostsChanged(): void {
    if (this.active()) this.clusters.requeue();
  }

  health(): KubernetesHealth {
    const informers = [
      this.hosts.health(),
      this.machineObjects.health(),
      this.clusters.health(),
    ];
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
    // Hosts registered through the API have no PhysicalHost to write to;
    // one whose PhysicalHost went leaves through removeReleasedHosts.
    const cached = this.hosts.get(namespace, name);
    if (!this.active() || !cached) return;
    // A host kept for its machine leaves as soon as it is released.
    if (isDeleting(cached)) {
      await this.finalizeHost(cached);
      return;
    }
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

  /**
   * Hosts whose PhysicalHost went without waiting for their release
   * (finalizer removed by hand) leave the inventory once released: call it
   * when hosts were released; one sweep serves them all.
   */
  async removeReleasedHosts(): Promise<void> {
    if (!this.active()) return;
    await this.options.inventory.removeReleasedHosts({
      namespace: this.options.namespace,
    });
  }

  /** Writes the Beskar7Machine's status from the inventory (call it when a machine changed). */
  async publishMachine(namespace: string, name: string): Promise<void> {
    const cached = this.machineObjects.get(namespace, name);
    if (!this.active() || !cached) return;
    // A machine kept for its release leaves as soon as the release ends.
    if (isDeleting(cached)) {
      await this.finalizeMachine(cached);
      return;
    }
    // The machine of that name belongs to this object (its UID) only once
    // the object was taken in: until then it may be a predecessor's.
    if (!isTakenIn(cached)) return;
    const found = await this.options.status.machine(namespace, name);
    if (found) await this.writeMachineStatus(cached, found);
  }

  private async writeMachineStatus(
    cached: Beskar7MachineObject,
    { machine, host }: { machine: Machine; host?: Host },
  ): Promise<void> {
    const { namespace, name } = cached.metadata;
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
        cached.metadata,
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
    if (isDeleting(obj)) {
      await this.finalizeHost(obj);
      return;
    }
    const { namespace, name } = obj.metadata;
    // The finalizer comes first, so that no object the inventory knows can
    // go before finalizeHost has taken its host out. A refused object keeps
    // it too: finalizeHost lets it go, and taking it off would only loop.
    const current = await this.finalizedFirst(this.hostWriter, obj);
    if (!current) return;
    const accepted = await this.handle(current, PHYSICAL_HOST.plural, () =>
      this.options.inventory.upsertHost(physicalHostToRegistration(current)),
    );
    if (!accepted) return;
    await this.credentials.retain(namespace, secretsOf(current));
    await this.publishHost(namespace, name);
  }

  /**
   * The object carrying our finalizer, written first where it lacks it;
   * undefined when it went or began deleting meanwhile (its own event
   * follows).
   */
  private async finalizedFirst<T extends KubeObject>(
    writer: CustomObjectWriter<T>,
    obj: T,
  ): Promise<T | undefined> {
    if (hasFinalizer(obj)) return obj;
    const { namespace, name } = obj.metadata;
    const { before, after } = await this.writing(() =>
      writer.update(namespace, name, withFinalizer, obj.metadata),
    );
    const fresh = after ?? before;
    return fresh && hasFinalizer(fresh) && !isDeleting(fresh)
      ? fresh
      : undefined;
  }

  /** The PhysicalHost is being deleted: the host leaves the inventory, then the object goes. */
  private async finalizeHost(obj: PhysicalHostObject): Promise<void> {
    if (!hasFinalizer(obj)) return;
    const { namespace, name } = obj.metadata;
    if (!(await this.removeHost(obj))) return;
    await this.writing(() =>
      this.hostWriter.update(namespace, name, withoutFinalizer, obj.metadata),
    );
    await this.releaseCredentials(obj);
  }

  private async onHostRemoved(obj: PhysicalHostObject): Promise<void> {
    this.handled.delete(`${PHYSICAL_HOST.plural}/${keyOf(obj)}`);
    if (!this.active()) return;
    if (await this.removeHost(obj)) await this.releaseCredentials(obj);
  }

  /**
   * Lets go of the Secrets of `obj` that no other PhysicalHost of its
   * namespace in the cache uses. Done again once the object has left the
   * cache: hosts finalized side by side each still see the other there, and
   * only the last to leave sees none.
   */
  private async releaseCredentials(obj: PhysicalHostObject): Promise<void> {
    const { namespace, name } = obj.metadata;
    const others = this.hosts
      .list()
      .filter(
        h => h.metadata.namespace === namespace && h.metadata.name !== name,
      );
    await this.credentials.release(
      namespace,
      secretsOf(obj),
      new Set(others.flatMap(secretsOf)),
    );
  }

  /** Whether the host left the inventory; one held by a machine stays until released. */
  private async removeHost(obj: PhysicalHostObject): Promise<boolean> {
    try {
      await this.options.inventory.removeHost(
        obj.metadata.namespace,
        obj.metadata.name,
      );
      return true;
    } catch (error) {
      if (!isError(error) || error.name !== 'ConflictError') throw error;
      await this.events.record(obj, {
        type: 'Warning',
        reason: 'HostInUse',
        message: `Kept in the inventory until released: ${error.message}`,
      });
      return false;
    }
  }

  private async onMachine(obj: Beskar7MachineObject): Promise<void> {
    if (!this.active()) return;
    const gate = await this.clusterApiGateOf(obj);
    // Paused (Cluster API's annotation or Cluster): nothing is touched.
    if (gate.kind === 'paused') return;
    if (isDeleting(obj)) {
      await this.finalizeMachine(obj);
      return;
    }
    const { namespace, name } = obj.metadata;
    const key = keyOf(obj);
    if (gate.kind === 'waiting') {
      this.waiting.add(key);
      await this.reportWaiting(obj, gate);
      return;
    }
    this.waiting.delete(key);
    const request = beskar7MachineToRequest(obj, {
      crossNamespace: this.options.crossNamespaceClaims ?? false,
      clusterApi: gate.kind === 'ready' ? gate : undefined,
    });
    // Never requested before (no providerID of ours yet): a new object.
    const renew = !isTakenIn(obj);
    // The finalizer comes first, so that no object whose machine the
    // inventory knows can go before finalizeMachine has released it.
    const current = await this.finalizedFirst(this.machineWriter, obj);
    if (!current) return;
    const accepted = await this.handle(current, BESKAR7_MACHINE.plural, () => {
      // The CRD cannot tell who owns an object: the backend checks this.
      if (gate.kind === 'standalone') requireStandaloneConfig(current);
      return this.options.machines.ensureMachine(request, { renew });
    });
    const providerID = providerIdOf(namespace, name);
    if (accepted && !isTakenIn(current)) {
      await this.writing(() =>
        this.machineWriter.update(
          namespace,
          name,
          fresh =>
            fresh.spec.providerID === providerID
              ? undefined
              : { ...fresh, spec: { ...fresh.spec, providerID } },
          current.metadata,
        ),
      );
    }
    await this.publishMachine(namespace, name);
  }

  /** What Cluster API lets the Beskar7Machine do now (standalone ones: everything). */
  private async clusterApiGateOf(
    obj: Beskar7MachineObject,
  ): Promise<ClusterApiGate> {
    const { metadata } = obj;
    if (!managedByClusterApi(metadata)) {
      return clusterApiGate(metadata, undefined, undefined);
    }
    const owner = machineOwnerOf(metadata);
    const machine = owner
      ? await this.clusterApi.machine(metadata.namespace, owner.name)
      : undefined;
    // Looked for until the machine is requested: Cluster API keeps the
    // Secret while its Machine exists. Read before the Cluster, so that a
    // pause written before the Secret is always seen with it.
    const secret = machine?.spec.bootstrap?.dataSecretName;
    const secretState =
      !secret || isTakenIn(obj)
        ? 'found'
        : await this.clusterApi.secretState(metadata.namespace, secret);
    const clusterName = clusterNameOf(metadata, machine);
    const cluster = clusterName
      ? await this.clusterApi.cluster(metadata.namespace, clusterName)
      : undefined;
    const infraName = beskar7ClusterRefOf(cluster);
    const infraCluster = infraName
      ? this.clusters.get(metadata.namespace, infraName)
      : undefined;
    return clusterApiGate(
      metadata,
      machine,
      cluster,
      infraCluster,
      secretState,
    );
  }

  /** Says in the `Ready` condition what the Beskar7Machine waits for. */
  private async reportWaiting(
    obj: Beskar7MachineObject,
    wait: { reason: string; message: string },
  ): Promise<void> {
    const { namespace, name } = obj.metadata;
    const condition = {
      type: 'Ready',
      status: 'False' as const,
      severity: 'Info' as const,
      ...wait,
    };
    const current = (status?: Beskar7MachineStatus) =>
      status?.conditions?.some(
        c =>
          c.type === 'Ready' &&
          c.status === 'False' &&
          c.reason === wait.reason &&
          c.message === wait.message,
      );
    if (current(obj.status)) return;
    await this.writing(() =>
      this.machineWriter.updateStatus(
        namespace,
        name,
        fresh =>
          current(fresh.status)
            ? undefined
            : {
                ...fresh.status,
                ready: false,
                initialization: { provisioned: false },
                conditions: withCondition(
                  fresh.status?.conditions,
                  condition,
                  new Date(),
                ),
              },
        obj.metadata,
      ),
    );
  }

  /**
   * The Beskar7Machine is being deleted: its host is released, and the
   * object goes once the release has ended. Until then its status shows
   * the release (and a failed one, which waits for the host's recovery).
   */
  private async finalizeMachine(obj: Beskar7MachineObject): Promise<void> {
    if (!hasFinalizer(obj)) return;
    const { namespace, name } = obj.metadata;
    await this.options.machines.releaseMachine(namespace, name);
    const found = await this.options.status.machine(namespace, name);
    if (found && isTakenIn(obj)) await this.writeMachineStatus(obj, found);
    if (found && found.machine.phase !== 'Released') return;
    await this.writing(() =>
      this.machineWriter.update(
        namespace,
        name,
        withoutFinalizer,
        obj.metadata,
      ),
    );
  }

  private async onMachineRemoved(obj: Beskar7MachineObject): Promise<void> {
    this.handled.delete(`${BESKAR7_MACHINE.plural}/${keyOf(obj)}`);
    this.waiting.delete(keyOf(obj));
    if (!this.active()) return;
    // Its Beskar7Cluster may be waiting for it to go.
    this.clusters.requeue(obj.metadata.namespace);
    await this.options.machines.releaseMachine(
      obj.metadata.namespace,
      obj.metadata.name,
    );
  }

  /**
   * Hands a spec to its sink once per generation. A permanent refusal (bad
   * spec, changed immutable spec, duplicate) is reported once in the
   * object's `Accepted` condition and a Warning Event and not retried; other
   * failures throw and are retried at the next resync. Returns whether the
   * current spec is accepted.
   */
  private async handle(
    obj: KubeObject,
    plural: string,
    hand: () => Promise<void>,
  ): Promise<boolean> {
    const key = `${plural}/${keyOf(obj)}`;
    const version = specVersionOf(obj);
    let known = this.handled.get(key);
    if (known?.version !== version) {
      try {
        await hand();
        known = { version };
      } catch (error) {
        const refusal = refusalOf(error);
        if (!refusal) throw error;
        known = { version, refusal };
      }
      this.handled.set(key, known);
    }
    await this.reportAcceptance(obj, plural, known.refusal);
    return !known.refusal;
  }

  /** Writes the `Accepted` condition (and, on a refusal, a Warning Event) when it changes. */
  private async reportAcceptance(
    obj: KubeObject,
    plural: string,
    refusal: Refusal | undefined,
  ): Promise<void> {
    const status = obj.status as { conditions?: Condition[] } | undefined;
    if (acceptanceCurrent(status?.conditions, refusal)) return;
    const writer =
      plural === PHYSICAL_HOST.plural ? this.hostWriter : this.machineWriter;
    const { namespace, name } = obj.metadata;
    const { after } = await this.writing(() =>
      (writer as CustomObjectWriter<KubeObject>).updateStatus(
        namespace,
        name,
        fresh => {
          const current = (fresh.status ?? {}) as Record<string, unknown> & {
            conditions?: Condition[];
          };
          if (acceptanceCurrent(current.conditions, refusal)) return undefined;
          return withAcceptance(current, plural, refusal);
        },
        obj.metadata,
      ),
    );
    // Said once: a stale cache (a resync before the watch caught up) finds
    // the condition written already, and records nothing.
    if (refusal && after) {
      await this.events.record(obj, {
        type: 'Warning',
        reason: refusal.reason,
        message: refusal.message,
      });
    }
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

/** The Secrets a PhysicalHost reads its BMC through. */
function secretsOf(obj: PhysicalHostObject): string[] {
  const { redfishConnection, caBundleSecretRef } = obj.spec;
  return [redfishConnection.credentialsSecretRef, caBundleSecretRef].filter(
    (name): name is string => Boolean(name),
  );
}

/** A sink's permanent refusal of a spec. */
interface Refusal {
  reason: 'InvalidSpec' | 'SpecConflict';
  message: string;
}

/** Bad input and conflicts with what exists are permanent until the spec changes. */
function refusalOf(error: unknown): Refusal | undefined {
  if (!isError(error)) return undefined;
  if (error.name === 'InputError') {
    return { reason: 'InvalidSpec', message: error.message };
  }
  if (error.name === 'ConflictError') {
    return { reason: 'SpecConflict', message: error.message };
  }
  return undefined;
}

/** `next`, unless it says what `current` says already. */
function changed<T>(current: T | undefined, next: T): T | undefined {
  return sameJson(current, next) ? undefined : next;
}

/** An object's identity: a re-created name is another object. */
function keyOf(obj: KubeObject): string {
  const { namespace, name, uid } = obj.metadata;
  return `${namespace}/${name}/${uid ?? ''}`;
}

/** `generation` moves with spec changes only; resourceVersion where it is absent. */
function specVersionOf(obj: KubeObject): number | string {
  return obj.metadata.generation ?? obj.metadata.resourceVersion ?? '';
}

/**
 * Whether the backend took the Beskar7Machine in: its machine was
 * requested and the object given our providerID, which a new object under
 * the name of a deleted one does not carry.
 */
function isTakenIn(obj: Beskar7MachineObject): boolean {
  return (
    obj.spec.providerID ===
    providerIdOf(obj.metadata.namespace, obj.metadata.name)
  );
}
