import {
  Host,
  Machine,
  MachineRequest,
  RegisterHostRequest,
} from '@beskar7/backstage-plugin-beskar7-common';

/*
 * The only ways the Kubernetes side talks to the rest of the backend. The
 * plugin wires them to the stores and services; tests use in-memory ones.
 */

/** A PhysicalHost as the inventory registers it: identity is namespace/name. */
export type HostRegistration = RegisterHostRequest & {
  namespace: string;
  pool: string;
  labels: Record<string, string>;
  tags: string[];
  bmc: RegisterHostRequest['bmc'] & {
    insecureSkipVerify: boolean;
    allowPlainHttp: boolean;
  };
};

/** A Beskar7Machine as a machine request: identity is namespace/name. */
export type MachineRegistration = MachineRequest & {
  namespace: string;
  /** Set for a Beskar7Machine owned by Cluster API: the bootstrap data Secret. */
  bootstrapDataSecret?: string;
};

/** Where PhysicalHosts go. Both calls are idempotent: informers repeat themselves. */
export interface InventorySink {
  /** Creates the host, or updates pool, labels, tags and BMC connection of the existing one. */
  upsertHost(host: HostRegistration): Promise<void>;
  /**
   * The PhysicalHost is gone: the host leaves the inventory. A host that a
   * machine still holds is never claimed again and stays until released:
   * that throws a ConflictError (`@backstage/errors`), reported as an Event.
   */
  removeHost(namespace: string, name: string): Promise<void>;
  /**
   * Hosts that `removeHost` kept for their machine and that are released
   * now leave the inventory (of one namespace, or one host, when named):
   * for a PhysicalHost that went without waiting (its finalizer removed by
   * hand), nothing else would ever remove them. Returns how many left.
   */
  removeReleasedHosts(only?: {
    namespace?: string;
    name?: string;
  }): Promise<number>;
}

/** Where Beskar7Machines go. Both calls are idempotent. */
export interface MachineSink {
  /**
   * Requests the machine (which leads to a claim) unless it exists already.
   * `renew`: the object is new; a Released machine of the same name belonged
   * to an earlier object and is replaced. Throws an InputError for a bad
   * spec and a ConflictError for a changed one: both are permanent.
   */
  ensureMachine(
    machine: MachineRegistration,
    options?: { renew?: boolean },
  ): Promise<void>;
  /** The Beskar7Machine is gone: release its host. No-op when unknown or already released. */
  releaseMachine(namespace: string, name: string): Promise<void>;
}

/** What the status subresources reflect. */
export interface StatusSource {
  host(namespace: string, name: string): Promise<Host | undefined>;
  /** The hosts of one namespace, or of all (what failure domains are made of). */
  listHosts(namespace?: string): Promise<Host[]>;
  /** The machine and, while it holds one, its host. */
  machine(
    namespace: string,
    name: string,
  ): Promise<{ machine: Machine; host?: Host } | undefined>;
}

/**
 * Events of a leader election, named like the DB lease's so that one
 * counter (`beskar7_claim_coordinator_leader_election_total{event_type}`)
 * counts both.
 */
export type LeaderElectionEventType =
  | 'acquired'
  | 'renewed'
  | 'renew_failed'
  | 'lost'
  | 'released';

/** What a Lease elector tells the rest of the backend. All optional, all synchronous. */
export interface LeaderCallbacks {
  onStartedLeading?(): void;
  onStoppedLeading?(): void;
  /** The holder seen in the Lease changed (undefined: nobody holds it). */
  onNewLeader?(identity: string | undefined): void;
  onElectionEvent?(event: LeaderElectionEventType): void;
}
