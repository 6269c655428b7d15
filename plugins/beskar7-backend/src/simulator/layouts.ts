/** Vendor flavours of generated BMCs. */
export const SIMULATED_VENDORS = [
  'dell',
  'hpe',
  'lenovo',
  'supermicro',
  'ami',
  'generic',
] as const;
export type SimulatedVendor = (typeof SIMULATED_VENDORS)[number];

/**
 * How each vendor lays out its service, as seen in captures from real BMCs.
 * The generator reads only this table, so a new flavour is one more entry.
 */
export interface VendorLayout {
  manufacturer: string;
  rootVendor: string;
  /** The name of the firmware's `Oem` sections in the root, system and manager. */
  oem?: string;
  /** The manager's `Model` and `FirmwareVersion`. */
  manager: { model?: string; firmware: string };
  product: string;
  models: string[];
  systemId: string;
  managerId: string;
  /** iDRAC 9 (newer firmware) lists virtual media under the system. */
  virtualMediaUnder: 'system' | 'manager';
  virtualMediaIds: string[];
  /** XCC has no Insert/Eject actions: media is mounted by PATCH. */
  virtualMediaActions: boolean;
  /** AMI links a ResetActionInfo instead of listing values inline. */
  resetActionInfo: boolean;
  resetTypes: string[];
  bootTargets: string[];
  /** Where pending BIOS settings go; none means PATCH the Bios itself. */
  biosSettingsSuffix?: string;
  /** Paths with a trailing slash, as iLO writes them. */
  trailingSlash: boolean;
}

const COMMON_TARGETS = ['None', 'Pxe', 'Cd', 'Hdd', 'BiosSetup'];

/** The ResetType values most BMCs list, in the schema's order. */
export const COMMON_RESET_TYPES = [
  'On',
  'ForceOff',
  'GracefulShutdown',
  'GracefulRestart',
  'ForceRestart',
  'Nmi',
  'ForceOn',
];

export const VENDOR_LAYOUTS: Record<SimulatedVendor, VendorLayout> = {
  dell: {
    manufacturer: 'Dell Inc.',
    rootVendor: 'Dell',
    oem: 'Dell',
    manager: { model: '14G Monolithic', firmware: '4.40.00.00' },
    product: 'Integrated Dell Remote Access Controller',
    models: ['PowerEdge R6515', 'PowerEdge R650', 'PowerEdge R750'],
    systemId: 'System.Embedded.1',
    managerId: 'iDRAC.Embedded.1',
    virtualMediaUnder: 'system',
    virtualMediaIds: ['1', '2'],
    virtualMediaActions: true,
    resetActionInfo: false,
    resetTypes: [
      'On',
      'ForceOff',
      'ForceRestart',
      'GracefulRestart',
      'GracefulShutdown',
      'PushPowerButton',
      'Nmi',
      'PowerCycle',
    ],
    bootTargets: [...COMMON_TARGETS, 'UefiTarget', 'UefiHttp'],
    biosSettingsSuffix: '/Settings',
    trailingSlash: false,
  },
  hpe: {
    manufacturer: 'HPE',
    rootVendor: 'HPE',
    oem: 'Hpe',
    manager: { model: 'iLO 5', firmware: 'iLO 5 v2.46' },
    product: 'ProLiant DL325 Gen10 Plus',
    models: [
      'ProLiant DL325 Gen10 Plus',
      'ProLiant DL360 Gen10',
      'ProLiant DL380 Gen10 Plus',
    ],
    systemId: '1',
    managerId: '1',
    virtualMediaUnder: 'manager',
    virtualMediaIds: ['1', '2'],
    virtualMediaActions: true,
    resetActionInfo: false,
    resetTypes: [
      'On',
      'ForceOff',
      'GracefulShutdown',
      'ForceRestart',
      'Nmi',
      'PushPowerButton',
      'GracefulRestart',
    ],
    bootTargets: [
      ...COMMON_TARGETS,
      'Usb',
      'UefiShell',
      'UefiHttp',
      'UefiTarget',
    ],
    biosSettingsSuffix: '/settings/',
    trailingSlash: true,
  },
  lenovo: {
    manufacturer: 'Lenovo',
    rootVendor: 'Lenovo',
    oem: 'Lenovo',
    manager: { firmware: 'TEE142M-2.41' },
    product: 'ThinkSystem',
    models: ['ThinkSystem SR650', 'ThinkSystem SR630 V2'],
    systemId: '1',
    managerId: '1',
    virtualMediaUnder: 'manager',
    virtualMediaIds: ['CD', 'Floppy'],
    virtualMediaActions: false,
    resetActionInfo: false,
    resetTypes: COMMON_RESET_TYPES,
    bootTargets: COMMON_TARGETS,
    biosSettingsSuffix: '/Pending',
    trailingSlash: false,
  },
  supermicro: {
    manufacturer: 'Supermicro',
    rootVendor: 'Supermicro',
    oem: 'Supermicro',
    manager: { firmware: '01.73.14' },
    product: 'X11DPi-NT',
    models: ['SYS-510T-MR', 'SYS-1029U-TN10RT'],
    systemId: '1',
    managerId: '1',
    virtualMediaUnder: 'manager',
    virtualMediaIds: ['CD1', 'USB1'],
    virtualMediaActions: true,
    resetActionInfo: false,
    resetTypes: COMMON_RESET_TYPES,
    bootTargets: [
      ...COMMON_TARGETS,
      'Usb',
      'UsbCd',
      'UefiBootNext',
      'UefiHttp',
    ],
    biosSettingsSuffix: '/SD',
    trailingSlash: false,
  },
  ami: {
    manufacturer: 'GIGABYTE',
    rootVendor: 'AMI',
    oem: 'Ami',
    manager: { model: '410810600', firmware: '12.84.13' },
    product: 'AMI Redfish Server',
    models: ['H262-Z63-00', 'R282-Z93-00'],
    systemId: 'Self',
    managerId: 'Self',
    virtualMediaUnder: 'manager',
    virtualMediaIds: ['CD1'],
    virtualMediaActions: true,
    resetActionInfo: true,
    resetTypes: ['GracefulShutdown', 'ForceRestart', 'ForceOff', 'On'],
    bootTargets: [
      ...COMMON_TARGETS,
      'Usb',
      'UefiShell',
      'UefiTarget',
      'UefiHttp',
      'UefiBootNext',
    ],
    trailingSlash: false,
  },
  generic: {
    manufacturer: 'Contoso',
    rootVendor: 'Contoso',
    manager: { firmware: '1.0.0-sim' },
    product: 'Redfish Server',
    models: ['3500'],
    systemId: '437XR1138R2',
    managerId: 'BMC',
    virtualMediaUnder: 'manager',
    virtualMediaIds: ['CD'],
    virtualMediaActions: true,
    resetActionInfo: false,
    resetTypes: [...COMMON_RESET_TYPES, 'PushPowerButton'],
    bootTargets: [...COMMON_TARGETS, 'UefiTarget'],
    biosSettingsSuffix: '/Settings',
    trailingSlash: false,
  },
};
