import {
  BmcCircuitStatus,
  BmcProbeLayer,
  BmcProbeReport,
  ClaimCoordinationMode,
  Host,
  HostState,
  Machine,
  PoolSummary,
  ProvisioningJob,
  QueueStatus,
} from '@beskar7/backstage-plugin-beskar7-common';

/** The coordination settings a replica runs with. */
export interface CoordinationSettings {
  mode: ClaimCoordinationMode;
  /** Lease timing of leader mode, Kubernetes' meanings. */
  leaderElection?: {
    leaseDurationMs: number;
    renewDeadlineMs: number;
    retryPeriodMs: number;
  };
}

/** Violations of the claim invariants found by a scan of the stores. */
export interface ClaimInvariantReport {
  /** Hosts whose consumer does not point back at them, or held twice. */
  inconsistentHosts: string[];
  /** Machines holding a host that another machine also holds. */
  machinesSharingHosts: string[];
}

/** One invalid key of a config fragment. */
export interface ConfigFieldProblem {
  key: string;
  message: string;
}

/**
 * Everything the runbooks do to the system, implemented by the plugin on
 * the real services. Reads are side-effect free; every write must be
 * idempotent (the engine runs a step again after a replica died mid-step).
 */
export interface RunbookActions {
  queueStatus(): Promise<QueueStatus>;
  /** No worker takes new jobs; running ones finish. */
  pauseQueue(): Promise<QueueStatus>;
  /** Clears pause and drain. */
  resumeQueue(): Promise<QueueStatus>;
  /** New jobs are refused while the queued ones are worked off. */
  drainQueue(): Promise<QueueStatus>;
  /** Jobs created since `sinceMs`, newest first. */
  recentJobs(sinceMs: number): Promise<ProvisioningJob[]>;

  listHosts(filter: { state?: HostState[]; pool?: string }): Promise<Host[]>;
  getHost(id: string): Promise<Host | undefined>;
  /** Error -> Deprovisioning (cleanup) or Enrolling (after a failed inspection); throws a ConflictError for a host not in Error. */
  recoverHost(id: string, message: string): Promise<Host>;
  poolSummaries(): Promise<PoolSummary[]>;
  /** Machines in phase Pending, with their requirements. */
  pendingMachines(): Promise<Machine[]>;

  coordination(): Promise<CoordinationSettings>;
  /** Frees the coordination leases so that one coordinator can take them cleanly. */
  clearCoordinationLeases(): Promise<{ cleared: string[] }>;
  claimInvariants(): Promise<ClaimInvariantReport>;

  bmcCircuits(): Promise<BmcCircuitStatus[]>;
  /** This replica's circuit breaker of a host's BMC; undefined before its first call there. */
  bmcCircuit(hostId: string): Promise<BmcCircuitStatus | undefined>;
  /**
   * One read of a host's BMC (its systems list) through the backend's own
   * client: the breaker's probe when it is half-open, refused at once while
   * it is open. Returns the circuit after it.
   */
  probeBmcCircuit(hostId: string): Promise<BmcCircuitStatus | undefined>;
  /** Probes a registered host's BMC with its own credentials (see bmcProbe.ts), up to `upTo`. */
  probeBmc(hostId: string, upTo: BmcProbeLayer): Promise<BmcProbeReport>;

  /** Checks a `beskar7` config fragment with the start-up rules. */
  validateConfig(fragment: unknown): Promise<ConfigFieldProblem[]>;
  /** The `beskar7` config this replica runs with, secrets left out. */
  effectiveConfig(): Promise<Record<string, unknown>>;
}
