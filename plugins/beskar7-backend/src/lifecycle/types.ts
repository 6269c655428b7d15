import {
  HardwareDetails,
  Host,
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
  /** The `Id`s of the ComputerSystems behind the host's BMC. */
  listSystems(host: Host, context: OperationContext): Promise<string[]>;
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
