import {
  ClaimCoordinationMode,
  HostState,
  QueueStatus,
} from '@beskar7/backstage-plugin-beskar7-common';

/** Numerator and denominator of a rate, so the checks can judge the sample size. */
export interface RateSample {
  total: number;
  hits: number;
}

/** Events counted over a span (the window, or less on a replica younger than it). */
export interface PerSecondSample {
  events: number;
  seconds: number;
}

/** A warning recorded about a host or machine (Kubernetes-style event). */
export interface WarningEvent {
  reason: string;
  message: string;
  hostId?: string;
  at: string;
}

/** A backend replica as seen through its heartbeat. */
export interface ReplicaInfo {
  id: string;
  /** The coordination mode this replica runs with. */
  coordinationMode: ClaimCoordinationMode;
  /** True when this replica believes it holds the coordinator lease. */
  believesLeader: boolean;
  lastSeenAt: string;
}

/** The coordinator lease as stored in the database. */
export interface LeaderInfo {
  holderId?: string;
  /** Bumped by every acquisition: two readings apart in time count transitions. */
  fencingToken: number;
  renewedAt?: string;
  expiresAt?: string;
  /** False when the holder stopped renewing (the lease is free to take). */
  live: boolean;
}

/** Latency percentiles from the plugin's histograms, over their recent window. */
export interface LatencyFacts {
  claimP95Ms?: number;
  claimSamples: number;
  reconcileP95Ms?: number;
  reconcileSamples: number;
}

/** A host whose BMC login is sent over plain HTTP, by its own opt-in. */
export interface PlainHttpHost {
  namespace: string;
  name: string;
  address: string;
}

/**
 * What the diagnostics (and the runbooks) read about the fleet. Implemented
 * on the real stores and metrics by the plugin; every method reads, none
 * changes anything.
 */
export interface FleetFacts {
  /** Counts of every state, zero included. */
  hostCountsByState(): Promise<Record<HostState, number>>;
  /** Machines in phase Pending. */
  pendingMachines(): Promise<number>;
  recentWarningEvents(sinceMs: number): Promise<WarningEvent[]>;
  /** Claim attempts (`total`) and attempts lost to another claimer (`hits`). */
  claimConflictRate(windowMs: number): Promise<RateSample>;
  queueStatus(): Promise<QueueStatus>;
  /** BMC requests (`total`) and those that failed (`hits`). */
  bmcErrorRate(windowMs: number): Promise<RateSample>;
  /** Operations that were due but waited for their BMC's cooldown, in this replica. */
  cooldownWaits(windowMs: number): Promise<PerSecondSample>;
  replicas(): Promise<ReplicaInfo[]>;
  /** The coordinator lease; undefined when none was ever taken. */
  leader(): Promise<LeaderInfo | undefined>;
  /** The configured coordination mode of the answering replica. */
  coordinationMode(): ClaimCoordinationMode;
  /** Round trip of a trivial query; throws when the database is unreachable. */
  databaseLatencyMs(): Promise<number>;
  latencies(): Promise<LatencyFacts>;
  /** Hosts opted in to sending the BMC login over plain HTTP. */
  plainHttpHosts(): Promise<PlainHttpHost[]>;
}
