import {
  ClaimCoordinationMode,
  MachinePhase,
} from '@beskar7/backstage-plugin-beskar7-common';

/** The answer to a claim request. */
export type ClaimResult =
  | (ClaimStats & { outcome: 'claimed'; hostId: string })
  /** No host matches the machine's requirements right now. */
  | (ClaimStats & { outcome: 'no_hosts' })
  /**
   * No host was won in time (eligible hosts exist, or the database could not
   * be reached); the machine is still Pending. Ask again later.
   */
  | (ClaimStats & {
      outcome: 'retry';
      reason: 'attempts_exhausted' | 'timeout' | 'database_unavailable';
    });

export interface ClaimStats {
  machineId: string;
  /** Conditional writes tried (0 when the machine already held a host, or in leader mode). */
  attempts: number;
  /** Attempts lost to another claimer. */
  conflicts: number;
}

/** Where a release left the machine and its host. */
export interface ReleaseResult {
  machineId: string;
  phase: MachinePhase;
  /** The host now `Deprovisioning` (absent if the machine held none). */
  hostId?: string;
}

/**
 * Claims hosts for machines, across however many replicas run at once. Every
 * mode gives the same guarantees (one host per machine, one machine per
 * host, host and machine written together); they differ in how replicas
 * avoid stepping on each other.
 */
export interface ClaimCoordinator {
  readonly mode: ClaimCoordinationMode;
  /** Claims a host for a `Pending` machine; idempotent for a machine that already holds one. */
  claim(machineId: string): Promise<ClaimResult>;
  /** Releases the machine's host: host to `Deprovisioning`, machine to `Releasing` (or `Released` if it held none). */
  release(machineId: string): Promise<ReleaseResult>;
  /** Starts background work (leader election); resolves at once in the other modes. */
  start(): Promise<void>;
  /** Stops background work and gives up leadership. */
  stop(): Promise<void>;
}
