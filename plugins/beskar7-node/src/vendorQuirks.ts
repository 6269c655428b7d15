/**
 * How a vendor's BMC passes kernel parameters to the next boot.
 *
 * - `uefiTarget`: a one-time boot override to `UefiTarget` whose
 *   `UefiTargetBootSourceOverride` is the loader path followed by the params.
 * - `biosAttribute`: a BIOS attribute written through the Bios settings
 *   object and applied on the next reset.
 *
 * @public
 */
export type KernelParamsMechanism =
  | { kind: 'uefiTarget'; loaderPath: string }
  | { kind: 'biosAttribute'; attribute: string };

/** @public */
export type PowerAction = 'on' | 'gracefulShutdown' | 'forceOff' | 'restart';

/**
 * What differs between BMC vendors, as data. The client reads everything
 * else from the service itself (links, allowable values), so a quirk is only
 * needed where a vendor departs from the standard or needs extra hints.
 *
 * @public
 */
export interface VendorQuirks {
  /** Stable id, e.g. `dell-idrac`; also the `vendor` label of metrics. */
  id: string;
  displayName: string;
  /**
   * Matched against the ComputerSystem `Manufacturer` first, then against
   * the service root's `Vendor` and `Product`. Names are weak evidence: a
   * board of one maker can run another's BMC firmware (see `oem`, `firmware`).
   */
  match: RegExp;
  /**
   * Names of the vendor's `Oem` sections (`Dell`, `Hpe`): present in the
   * service root, system or manager, they identify the BMC firmware. A
   * vendor that lists them is not taken by name from a service whose OEM
   * sections are all another vendor's.
   */
  oem?: string[];
  /**
   * Matched against the manager's `Model` and `FirmwareVersion`, such as
   * `iLO 5 v2.46`. A vendor that sets it is not taken by name from a manager
   * whose firmware it does not match.
   */
  firmware?: RegExp;
  /**
   * ResetType values to try for each power action, best first; the first one
   * the BMC allows is used. Missing actions use the generic order.
   */
  resetPreferences?: Partial<Record<PowerAction, string[]>>;
  virtualMedia?: {
    /** `patch` mounts by PATCH of `Image`/`Inserted`; `auto` uses actions when present. */
    mount?: 'action' | 'patch' | 'auto';
    /** Extra properties the vendor wants in the InsertMedia body. */
    insertParameters?: Record<string, unknown>;
    /**
     * Send `TransferProtocolType` (from the image URL's scheme) even when the
     * action does not advertise it; some firmware rejects the insert without it.
     */
    alwaysSendTransferProtocol?: boolean;
  };
  kernelParams: KernelParamsMechanism;
  bootOverride?: {
    /**
     * False when the BMC does not honour `BootSourceOverrideEnabled: Once`
     * (it keeps the override as `Continuous`, or allows only that) though
     * its allowable values do not say so: beskar7 then sets `Continuous`
     * and clears the override when provisioning finishes and on release.
     */
    once?: boolean;
  };
}
