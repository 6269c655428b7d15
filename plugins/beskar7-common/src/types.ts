import type { HostCluster } from './clusters';
/** Lifecycle states of a physical host; transitions live in the backend's state machine. */
export const HOST_STATES = [
  'Enrolling',
  'Available',
  'Claimed',
  'Provisioning',
  'Provisioned',
  'Deprovisioning',
  'Error',
] as const;
/** @public */
export type HostState = (typeof HOST_STATES)[number];

/**
 * OS families a machine may run. `cloud-init` is any image whose OS runs
 * cloud-init (Ubuntu-like): it takes kubeadm's cloud-config bootstrap data
 * through the NoCloud datasource.
 * @public
 */
export const OS_FAMILIES = [
  'kairos',
  'flatcar',
  'LeapMicro',
  'cloud-init',
] as const;
/** @public */
export type OsFamily = (typeof OS_FAMILIES)[number];

/** @public */
export const PROVISIONING_MODES = [
  'RemoteConfig',
  'PreBakedISO',
  'PXE',
  'iPXE',
] as const;
/** @public */
export type ProvisioningMode = (typeof PROVISIONING_MODES)[number];

/** `PowerState` of a Redfish ComputerSystem, as the backend last read it. */
export const POWER_STATES = [
  'On',
  'Off',
  'PoweringOn',
  'PoweringOff',
  'Unknown',
] as const;
/** @public */
export type PowerState = (typeof POWER_STATES)[number];

/** @public */
export const BOOT_MODES = ['UEFI', 'Legacy'] as const;
/** @public */
export type BootMode = (typeof BOOT_MODES)[number];

/** Phases of a machine request, from the claim to the release of its host. */
export const MACHINE_PHASES = [
  'Pending',
  'Claimed',
  'Provisioning',
  'Provisioned',
  'Releasing',
  'Released',
  'Failed',
] as const;
/** @public */
export type MachinePhase = (typeof MACHINE_PHASES)[number];

/** @public */
export const CLAIM_COORDINATION_MODES = [
  'optimistic',
  'locking',
  'leader',
] as const;
/** @public */
export type ClaimCoordinationMode = (typeof CLAIM_COORDINATION_MODES)[number];

/** @public */
export interface HardwareDetails {
  manufacturer?: string;
  model?: string;
  serialNumber?: string;
  cpuCores?: number;
  memoryGiB?: number;
  diskGiB?: number;
  macAddresses: string[];
  /**
   * IPv4 addresses the BMC reported for the system's network interfaces at
   * the last inspection (many BMCs know them only while an OS agent runs).
   */
  ipAddresses?: string[];
}

/**
 * How to reach a host's BMC. Only a reference to the credentials is kept:
 * the secret itself never leaves the backend's credential resolver.
 */
export interface BmcConnection {
  /** http(s) URL of the BMC. */
  address: string;
  /** Name of the credential entry (config key or Kubernetes Secret). */
  credentialsRef: string;
  /** TLS certificate verification is on unless a host opts out explicitly. */
  insecureSkipVerify: boolean;
  /** Reference to a CA bundle used to verify this BMC's certificate. */
  caBundleRef?: string;
  /**
   * The host's explicit opt-in to sending the BMC login over plain HTTP (an
   * `http://` address); without it the backend never sends it there.
   */
  allowPlainHttp?: boolean;
}

/** @public */
export interface Host {
  id: string;
  name: string;
  namespace: string;
  pool: string;
  labels: Record<string, string>;
  tags: string[];
  failureDomain?: string;
  hardware: HardwareDetails;
  bmc: BmcConnection;
  /**
   * `Id` of the Redfish ComputerSystem this host is: from the address when
   * it names one, else read at the first inspection.
   */
  systemId?: string;
  state: HostState;
  /**
   * Power state last read from the BMC (at inspection, after provisioning
   * and deprovisioning); absent until the first read.
   */
  powerState?: PowerState;
  /** When `powerState` was read. */
  powerStateObservedAt?: string;
  errorMessage?: string;
  /** Id of the machine that holds this host. */
  consumerId?: string;
  /**
   * The Cluster API cluster and role this host serves, when a Machine of a
   * cluster holds it (read from the Kubernetes API, not stored).
   */
  cluster?: HostCluster;
  /**
   * What the host's BMC offers for provisioning, read at inspection; absent
   * for a host not inspected since the backend records it (see
   * `canProvision`).
   */
  capabilities?: HostCapabilities;
  /**
   * Id of the BMC vendor quirks detected at the last inspection (the
   * backend's vendor table, from the manager's firmware and OEM sections,
   * e.g. `dell-idrac`, `generic`); absent before the first.
   */
  bmcVendor?: string;
  /** Optimistic-locking version, bumped by every write. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * What a host's BMC offers for provisioning, as DMTF Redfish describes it.
 * @public
 */
export interface HostCapabilities {
  /**
   * The `MediaTypes` its virtual media devices take (`CD`, `DVD`,
   * `USBStick`, `Floppy`; a device that lists none but is named a CD/DVD
   * drive counts as `CD`). Empty: the BMC has no virtual media.
   */
  virtualMediaTypes: string[];
  /**
   * `Boot.BootSourceOverrideTarget@Redfish.AllowableValues` of the system
   * (`Cd`, `Pxe`, `UefiHttp`, ...); absent when the BMC does not list them.
   */
  bootSourceOverrideTargets?: string[];
  /**
   * `Boot.BootSourceOverrideMode@Redfish.AllowableValues` (`UEFI`,
   * `Legacy`); absent when the BMC does not list them.
   */
  bootSourceOverrideModes?: string[];
}

/** @public */
export const LABEL_SELECTOR_OPERATORS = [
  'In',
  'NotIn',
  'Exists',
  'DoesNotExist',
] as const;
/** @public */
export type LabelSelectorOperator = (typeof LABEL_SELECTOR_OPERATORS)[number];

/** Kubernetes-style label selector: equality and set-based expressions. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: LabelSelectorOperator;
    values?: string[];
  }>;
}

/** What a machine needs from a host; every field present must match. */
export interface HostRequirements {
  /** Only hosts of this namespace (a Beskar7Machine's own, unless cross-namespace claims are configured). */
  namespace?: string;
  pool?: string;
  selector?: LabelSelector;
  tags?: string[];
  minCpuCores?: number;
  minMemoryGiB?: number;
  minDiskGiB?: number;
  failureDomain?: string;
}

/** @public */
export interface Machine {
  id: string;
  name: string;
  namespace: string;
  requirements: HostRequirements;
  imageUrl: string;
  configUrl?: string;
  /**
   * The Secret (in the machine's namespace) holding Cluster API bootstrap
   * data, served to the host instead of `configUrl`. Its content is read at
   * the host's fetch, never stored.
   */
  bootstrapDataSecret?: string;
  osFamily: OsFamily;
  provisioningMode: ProvisioningMode;
  bootMode: BootMode;
  phase: MachinePhase;
  hostId?: string;
  failureReason?: string;
  createdAt: string;
  updatedAt: string;
}

/** Response of `GET /api/beskar7/health`. */
export interface HealthResponse {
  status: 'ok' | 'degraded';
  database: { client: string; reachable: boolean; latencyMs?: number };
  /** Present when `beskar7.kubernetes` is enabled. */
  kubernetes?: KubernetesHealth;
  version: string;
}

/** How one informer (list and watch of a custom resource) is doing. */
export interface KubernetesInformerHealth {
  resource: string;
  /** Listed at least once: the cache holds every object. */
  synced: boolean;
  /** The last list or watch reached the API server. */
  connected: boolean;
  consecutiveFailures: number;
  lastError?: string;
  lastErrorAt?: string;
}

/**
 * The Kubernetes side: degraded while the API server is out of reach, when
 * the rest of the backend keeps claiming and provisioning from its database.
 */
export interface KubernetesHealth {
  status: 'ok' | 'degraded';
  informers: KubernetesInformerHealth[];
  /** The last write to Kubernetes failed (cleared by the next that succeeds). */
  lastWriteError?: string;
  /** Present when a Lease elects the active replica. */
  leaderElection?: {
    lease: string;
    /** The holder last seen in the Lease. */
    leader?: string;
    isLeader: boolean;
  };
}

/** State of the per-BMC circuit breaker of the Redfish client. */
export const BMC_CIRCUIT_STATES = ['closed', 'open', 'half-open'] as const;
/** @public */
export type BmcCircuitState = (typeof BMC_CIRCUIT_STATES)[number];

/** What the backend reports about one BMC's circuit breaker. */
export interface BmcCircuitStatus {
  address: string;
  state: BmcCircuitState;
  consecutiveFailures: number;
  /** When the breaker last opened (ISO 8601). */
  openedAt?: string;
  /** When an open breaker lets a probe through (ISO 8601). */
  nextProbeAt?: string;
  /** Short reason of the last failure, never containing credentials. */
  lastError?: string;
}
