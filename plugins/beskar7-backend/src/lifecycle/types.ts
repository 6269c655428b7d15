import {
  HardwareDetails,
  Host,
  HostCapabilities,
  Machine,
  PowerState,
} from '@beskar7/backstage-plugin-beskar7-common';

/** Passed to every executor call. */
export interface OperationContext {
  /** Aborted on timeout or when the job's lease is lost: stop talking to the BMC. */
  signal: AbortSignal;
  jobId: string;
  /** 1 on the first try; a retry or a takeover must finish what is left. */
  attempt: number;
}

/** What an inspection read from the BMC. */
export interface HostInventory {
  hardware: Partial<HardwareDetails>;
  /** Vendor id (see redfish/vendors), for cooldowns and metrics. */
  vendor?: string;
  powerState?: PowerState;
  /** What the system says it is (UUID, else serial); one server is one host. */
  systemIdentity?: string;
  /** What the BMC offers for provisioning; the claim filter reads it. */
  capabilities?: HostCapabilities;
}

/** A ComputerSystem behind a BMC: its `Id`, and what it says it is when it says. */
export interface BmcSystem {
  id: string;
  identity?: string;
}

/** What a provisioning or deprovisioning left behind, as read back from the BMC. */
export interface OperationOutcome {
  powerState?: PowerState;
}

/**
 * The BMC work behind each job, vendor and protocol hidden. The Redfish
 * implementation drives the client per provisioning mode and reads back
 * what it set; every call must honour `signal` and be safe to repeat.
 */
export interface HostOperationExecutor {
  /** The ComputerSystems behind the host's BMC. */
  listSystems(host: Host, context: OperationContext): Promise<BmcSystem[]>;
  inspect(host: Host, context: OperationContext): Promise<HostInventory>;
  provision(
    host: Host,
    machine: Machine,
    context: OperationContext,
  ): Promise<OperationOutcome | void>;
  /** Ejects media, powers off (and wipes disks when configured). */
  deprovision(
    host: Host,
    context: OperationContext,
  ): Promise<OperationOutcome | void>;
}

/** The claim engine as the machine reconciler sees it (claims' ClaimCoordinator satisfies it). */
export interface HostClaimPort {
  claim(
    machineId: string,
  ): Promise<
    { outcome: 'claimed'; hostId: string } | { outcome: 'no_hosts' | 'retry' }
  >;
}
