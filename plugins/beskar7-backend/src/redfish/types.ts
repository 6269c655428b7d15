import {
  BootMode,
  HardwareDetails,
  HostCapabilities,
  OsFamily,
  PowerState,
} from '@beskar7/backstage-plugin-beskar7-common';
import { LoggerService } from '@backstage/backend-plugin-api';
import { RetryPolicy } from './backoff';
import { CircuitBreakerOptions } from './circuitBreaker';
import { ResolvedAddressCheck } from './guardedLookup';

export type { BmcCredentials } from '../credentials/types';

/** Name of a provisioner operation, the `operation` label of metrics. */
export type BmcOperation =
  | 'inspect'
  | 'powerState'
  | 'powerOn'
  | 'powerOff'
  | 'reboot'
  | 'setOneTimeBoot'
  | 'getBootOverride'
  | 'insertMedia'
  | 'ejectMedia'
  | 'getMedia'
  | 'setKernelParams'
  | 'getKernelParams'
  | 'clearBootOverride';

/** Reported once per provisioner operation, for metrics. */
export interface BmcOperationEvent {
  operation: BmcOperation;
  /** Vendor id from the quirks table, `unknown` before discovery succeeded. */
  vendor: string;
  outcome: 'success' | 'error';
  seconds: number;
  address: string;
}

export interface RedfishClientOptions {
  logger?: LoggerService;
  /** Timeout of each HTTP request. */
  requestTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  circuitBreaker?: Partial<CircuitBreakerOptions>;
  /** PEM CA bundles by reference (`BmcConnection.caBundleRef`). */
  caBundles?: Record<string, string>;
  onOperation?: (event: BmcOperationEvent) => void;
  /** How long `powerOn`/`powerOff`/`reboot` wait for the power state to settle. */
  powerSettleTimeoutMs?: number;
  powerPollIntervalMs?: number;
  /**
   * Refuses a resolved BMC address at connect time (the BMC address policy:
   * link-local and metadata addresses, the allowlist).
   */
  resolvedAddressCheck?: ResolvedAddressCheck;
}

export type { PowerState };

/** Boot targets beskar7 uses; `UefiTarget` needs a `uefiTarget` path. */
export type BootTarget = 'Cd' | 'Pxe' | 'Hdd' | 'UefiTarget';

export interface BootOverride {
  target: string;
  enabled: 'Disabled' | 'Once' | 'Continuous' | string;
  mode?: string;
  uefiTarget?: string;
}

export interface DiskInfo {
  name: string;
  capacityBytes?: number;
  mediaType?: string;
}

export interface BmcInventory extends HardwareDetails {
  vendor: string;
  systemPath: string;
  powerState: PowerState;
  /** `Status.Health` of the system (OK, Warning, Critical) when reported. */
  health?: string;
  disks: DiskInfo[];
  /** What the system says it is (see systemIdentity); absent when it gives nothing usable. */
  systemIdentity?: string;
  /** Virtual media types and allowable boot overrides (inventory.capabilitiesOf). */
  capabilities: HostCapabilities;
}

/** A ComputerSystem the service lists, and what it says it is. */
export interface IdentifiedSystem {
  /** Its `@odata.id`. */
  path: string;
  identity?: string;
}

export interface VirtualMediaStatus {
  devicePath: string;
  inserted: boolean;
  /** Image URL as the BMC reports it; absent when nothing is mounted. */
  image?: string;
}

export interface KernelParamsStatus {
  mechanism: 'uefiTarget' | 'biosAttribute';
  /** The parameters as read back from the BMC. */
  params: string;
}

/**
 * What the rest of the backend needs from a BMC, vendor and protocol hidden
 * (like Metal3's provisioner interface). Every setter reads back what it set
 * and fails when the BMC did not take it.
 */
export interface BmcProvisioner {
  readonly address: string;
  /** The `@odata.id` of every ComputerSystem the BMC lists. */
  systems(): Promise<string[]>;
  /** Every ComputerSystem with what it says it is (one GET per system). */
  identifySystems(): Promise<IdentifiedSystem[]>;
  inspect(): Promise<BmcInventory>;
  powerState(): Promise<PowerState>;
  powerOn(): Promise<void>;
  /** Graceful shutdown, or a forced power off when `force` is set. */
  powerOff(options?: { force?: boolean }): Promise<void>;
  /** Restarts a running system (powers on a stopped one); waits until it is on again. */
  reboot(options?: { force?: boolean }): Promise<void>;
  setOneTimeBoot(
    target: BootTarget,
    options?: { mode?: BootMode; uefiTarget?: string },
  ): Promise<BootOverride>;
  getBootOverride(): Promise<BootOverride>;
  /** Turns a boot override off (a Continuous one stays until told). */
  clearBootOverride(): Promise<BootOverride>;
  insertMedia(imageUrl: string): Promise<VirtualMediaStatus>;
  ejectMedia(): Promise<VirtualMediaStatus>;
  getMedia(): Promise<VirtualMediaStatus>;
  /** Points the next boot's kernel at the OS family's config URL (RemoteConfig). */
  setKernelParams(
    osFamily: OsFamily,
    configUrl: string,
  ): Promise<KernelParamsStatus>;
  getKernelParams(): Promise<KernelParamsStatus | undefined>;
  /** Releases this provisioner; the BMC's shared session stays for other callers. */
  close(): Promise<void>;
}
