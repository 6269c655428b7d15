import { VendorQuirks } from '@beskar7/backstage-plugin-beskar7-node';

/** Loader path on the usual x86_64 UEFI boot media. */
const EFI_LOADER = '\\EFI\\BOOT\\BOOTX64.EFI';

/**
 * No vendor defines a standard BIOS attribute for kernel parameters; this is
 * the attribute name beskar7 writes where a vendor only offers the BIOS
 * route. A site whose firmware names it differently replaces the vendor
 * through the vendors extension point.
 */
const KERNEL_ARGS_ATTRIBUTE = 'KernelArgs';

/**
 * The built-in vendor table, tried in order; `generic` matches everything and
 * stays last. Each entry only states how the vendor departs from the standard.
 */
export const BUILTIN_VENDORS: VendorQuirks[] = [
  {
    id: 'dell-idrac',
    displayName: 'Dell iDRAC',
    match: /\bdell\b/i,
    // iDRAC wants Inserted and WriteProtected spelled out in InsertMedia.
    virtualMedia: {
      insertParameters: { Inserted: true, WriteProtected: true },
    },
    kernelParams: { kind: 'uefiTarget', loaderPath: EFI_LOADER },
  },
  {
    id: 'hpe-ilo',
    displayName: 'HPE iLO',
    match: /\bhpe?\b|hewlett/i,
    kernelParams: { kind: 'uefiTarget', loaderPath: EFI_LOADER },
  },
  {
    id: 'lenovo-xcc',
    displayName: 'Lenovo XClarity Controller',
    match: /lenovo/i,
    // XCC virtual media has no Insert/Eject actions: mount by PATCH of Image/Inserted.
    virtualMedia: { mount: 'patch' },
    kernelParams: { kind: 'biosAttribute', attribute: KERNEL_ARGS_ATTRIBUTE },
  },
  {
    id: 'supermicro',
    displayName: 'Supermicro',
    match: /supermicro/i,
    virtualMedia: { alwaysSendTransferProtocol: true },
    kernelParams: { kind: 'biosAttribute', attribute: KERNEL_ARGS_ATTRIBUTE },
  },
  {
    id: 'ami-megarac',
    displayName: 'AMI MegaRAC',
    match: /\bami\b|american megatrends|megarac/i,
    virtualMedia: { alwaysSendTransferProtocol: true },
    kernelParams: { kind: 'uefiTarget', loaderPath: EFI_LOADER },
  },
  {
    id: 'generic',
    displayName: 'Generic Redfish',
    match: /.*/,
    kernelParams: { kind: 'uefiTarget', loaderPath: EFI_LOADER },
  },
];

export interface VendorIdentity {
  /** `Manufacturer` of the ComputerSystem. */
  manufacturer?: string;
  /** `Vendor` and `Product` of the service root. */
  vendor?: string;
  product?: string;
}

/**
 * Picks the quirks for a BMC: `extra` (from the extension point) before the
 * built-in table; the system's Manufacturer decides before the service root,
 * because an OEM board (GIGABYTE) can run another vendor's BMC (AMI).
 */
export function detectVendor(
  identity: VendorIdentity,
  extra: VendorQuirks[] = [],
): VendorQuirks {
  const table = [...extra, ...BUILTIN_VENDORS.filter(v => v.id !== 'generic')];
  const candidates = [
    identity.manufacturer,
    [identity.vendor, identity.product].filter(Boolean).join(' '),
  ].filter((s): s is string => !!s && s.trim().length > 0);
  for (const text of candidates) {
    const found = table.find(v => v.match.test(text));
    if (found) {
      return found;
    }
  }
  return BUILTIN_VENDORS[BUILTIN_VENDORS.length - 1];
}
