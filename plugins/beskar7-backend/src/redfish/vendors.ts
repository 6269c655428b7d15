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
    oem: ['Dell'],
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
    oem: ['Hpe', 'Hp'],
    firmware: /\bilo\b/i,
    kernelParams: { kind: 'uefiTarget', loaderPath: EFI_LOADER },
  },
  {
    id: 'lenovo-xcc',
    displayName: 'Lenovo XClarity Controller',
    match: /lenovo/i,
    oem: ['Lenovo'],
    // XCC virtual media has no Insert/Eject actions: mount by PATCH of Image/Inserted.
    virtualMedia: { mount: 'patch' },
    kernelParams: { kind: 'biosAttribute', attribute: KERNEL_ARGS_ATTRIBUTE },
  },
  {
    id: 'supermicro',
    displayName: 'Supermicro',
    match: /supermicro/i,
    oem: ['Supermicro'],
    virtualMedia: { alwaysSendTransferProtocol: true },
    kernelParams: { kind: 'biosAttribute', attribute: KERNEL_ARGS_ATTRIBUTE },
  },
  {
    id: 'ami-megarac',
    displayName: 'AMI MegaRAC',
    match: /\bami\b|american megatrends|megarac/i,
    oem: ['Ami'],
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
  /** `Model` and `FirmwareVersion` of the system's manager. */
  managerModel?: string;
  managerFirmware?: string;
  /** OEM section names the service shows (see oemNamesOf). */
  oem?: string[];
}

/**
 * The OEM names in resources: the keys of `Oem` and `Links.Oem`, and the
 * namespaces of OEM actions (`#CrayProcess.Schedule` is `CrayProcess`).
 */
export function oemNamesOf(
  resources: Array<Record<string, any> | undefined>,
): string[] {
  const names = resources.flatMap(r => [
    ...keysOf(r?.Oem),
    ...keysOf(r?.Links?.Oem),
    ...keysOf(r?.Actions?.Oem).map(a => a.replace(/^#/, '').split('.')[0]),
  ]);
  return [...new Set(names.filter(Boolean))];
}

/**
 * Picks the quirks for a BMC, `extra` (from the extension point) before the
 * built-in table. What the BMC shows of its own firmware decides first: the
 * manager's model and firmware version, then its OEM sections. Names (the
 * system's Manufacturer, then the service root's Vendor and Product) decide
 * only for a vendor that evidence does not contradict: an HPE Cray blade
 * runs Cray firmware, not iLO; a GIGABYTE board runs AMI's.
 */
export function detectVendor(
  identity: VendorIdentity,
  extra: VendorQuirks[] = [],
): VendorQuirks {
  const table = [...extra, ...BUILTIN_VENDORS.filter(v => v.id !== 'generic')];
  const oem = (identity.oem ?? []).map(n => n.toLowerCase());
  const firmware = [identity.managerModel, identity.managerFirmware]
    .filter(isText)
    .join(' ');
  const runs = (v: VendorQuirks) => !!firmware && !!v.firmware?.test(firmware);
  const shows = (v: VendorQuirks) =>
    !!v.oem?.some(name => oem.some(n => n.startsWith(name.toLowerCase())));
  const found = table.find(runs) ?? table.find(shows);
  if (found) return found;
  const contradicted = (v: VendorQuirks) =>
    (!!v.oem?.length && oem.length > 0) || (!!v.firmware && !!firmware);
  const names = [
    identity.manufacturer,
    [identity.vendor, identity.product].filter(isText).join(' '),
  ].filter(isText);
  for (const text of names) {
    const named = table.find(v => !contradicted(v) && v.match.test(text));
    if (named) return named;
  }
  return BUILTIN_VENDORS[BUILTIN_VENDORS.length - 1];
}

function keysOf(value: unknown): string[] {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? Object.keys(value)
    : [];
}

function isText(s: unknown): s is string {
  return typeof s === 'string' && s.trim().length > 0;
}

/**
 * The vendor a host's manufacturer names, as one lower-case word: the
 * family of the built-in vendor it names (`dell`, `hpe`, `lenovo`,
 * `supermicro`, `ami`, the word before the id's dash), else the
 * manufacturer's first word (`fujitsu`); undefined without one. Stored with
 * the host (indexed), and applied to the `vendor` filter's value too, so
 * `dell`, `Dell Inc.` and `dell-idrac` find the same hosts.
 */
export function vendorKeyOf(
  manufacturer: string | undefined,
): string | undefined {
  if (!isText(manufacturer)) return undefined;
  const { id } = detectVendor({ manufacturer });
  if (id !== 'generic') return id.split('-')[0];
  return manufacturer.toLowerCase().match(/[\p{L}\p{N}]+/u)?.[0];
}
