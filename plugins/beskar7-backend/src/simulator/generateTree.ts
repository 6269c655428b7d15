import { ResourceTree, Resource } from './resourceTree';
import { SimulatedVendor, VENDOR_LAYOUTS } from './layouts';

/** Hardware shapes the generated hosts cycle through, so that claims have something to select on. */
const SHAPES = [
  {
    sockets: 1,
    coresPerSocket: 16,
    dimms: 4,
    dimmGiB: 16,
    disks: 2,
    diskGB: 960,
  },
  {
    sockets: 2,
    coresPerSocket: 24,
    dimms: 8,
    dimmGiB: 32,
    disks: 4,
    diskGB: 1920,
  },
  {
    sockets: 1,
    coresPerSocket: 32,
    dimms: 8,
    dimmGiB: 16,
    disks: 2,
    diskGB: 3840,
  },
  {
    sockets: 2,
    coresPerSocket: 64,
    dimms: 16,
    dimmGiB: 32,
    disks: 8,
    diskGB: 7680,
  },
];

const link = (path: string) => ({ '@odata.id': path });

const collection = (
  path: string,
  type: string,
  members: string[],
): Resource => ({
  '@odata.id': path,
  '@odata.type': `#${type}Collection.${type}Collection`,
  Name: `${type} Collection`,
  Members: members.map(link),
  'Members@odata.count': members.length,
});

/** Departures from a vendor's usual single-server layout. */
export interface GenerateTreeOptions {
  /** ComputerSystems under the one manager (a blade enclosure, a multi-node chassis); 1 by default. */
  systems?: number;
  /** False: the service root links no SessionService (HTTP Basic only). */
  sessionService?: boolean;
  /** `BootSourceOverrideEnabled@Redfish.AllowableValues`, e.g. `['Disabled', 'Continuous']`. */
  bootOverrideEnabled?: string[];
  /**
   * False: no virtual media anywhere, and no `Cd` boot target (a blade
   * that boots from the network only).
   */
  virtualMedia?: boolean;
}

/**
 * A vendor-flavoured Redfish tree for simulated host number `index`,
 * deterministic so that a fleet looks the same on every start.
 */
export function generateTree(
  vendor: SimulatedVendor,
  index: number,
  options: GenerateTreeOptions = {},
): ResourceTree {
  const layout = VENDOR_LAYOUTS[vendor];
  const slash = layout.trailingSlash ? '/' : '';
  const tree = new ResourceTree();
  const add = (path: string, resource: Resource) =>
    tree.set(path, { '@odata.id': `${path}${slash}`, ...resource });
  const count = options.systems ?? 1;

  const root = '/redfish/v1';
  const manager = `${root}/Managers/${layout.managerId}`;
  const chassis = `${root}/Chassis/1`;
  // Several systems: each node has its own media, as blades do.
  const systems = range(count).map(n => ({
    path: `${root}/Systems/${count > 1 ? `Node${n + 1}` : layout.systemId}`,
    n,
  }));
  const mediaUnder = ((): 'system' | 'manager' | undefined => {
    if (options.virtualMedia === false) return undefined;
    return count > 1 || layout.virtualMediaUnder === 'system'
      ? 'system'
      : 'manager';
  })();
  const bootTargets =
    options.virtualMedia === false
      ? layout.bootTargets.filter(t => t !== 'Cd')
      : layout.bootTargets;
  const sessions = options.sessionService !== false;
  const oem = layout.oem ? { Oem: { [layout.oem]: {} } } : {};

  add(root, {
    '@odata.type': '#ServiceRoot.v1_5_0.ServiceRoot',
    Id: 'RootService',
    Name: 'Root Service',
    RedfishVersion: '1.6.0',
    Vendor: layout.rootVendor,
    Product: layout.product,
    ...oem,
    Systems: link(`${root}/Systems`),
    Managers: link(`${root}/Managers`),
    Chassis: link(`${root}/Chassis`),
    ...(sessions
      ? {
          SessionService: link(`${root}/SessionService`),
          Links: { Sessions: link(`${root}/SessionService/Sessions`) },
        }
      : {}),
  });
  if (sessions) {
    add(`${root}/SessionService`, {
      '@odata.type': '#SessionService.v1_1_8.SessionService',
      Id: 'SessionService',
      ServiceEnabled: true,
      SessionTimeout: 1800,
      Sessions: link(`${root}/SessionService/Sessions`),
    });
    tree.set(
      `${root}/SessionService/Sessions`,
      collection(`${root}/SessionService/Sessions`, 'Session', []),
    );
  }
  tree.set(
    `${root}/Systems`,
    collection(
      `${root}/Systems`,
      'ComputerSystem',
      systems.map(s => s.path),
    ),
  );
  tree.set(
    `${root}/Managers`,
    collection(`${root}/Managers`, 'Manager', [manager]),
  );
  tree.set(
    `${root}/Chassis`,
    collection(`${root}/Chassis`, 'Chassis', [chassis]),
  );
  add(chassis, {
    '@odata.type': '#Chassis.v1_10_0.Chassis',
    Id: '1',
    ChassisType: count > 1 ? 'Enclosure' : 'RackMount',
    SerialNumber: serialOf(vendor, index),
  });
  const managerMedia = `${manager}/VirtualMedia`;
  add(manager, {
    '@odata.type': '#Manager.v1_5_0.Manager',
    Id: layout.managerId,
    ManagerType: 'BMC',
    Model: layout.manager.model,
    FirmwareVersion: layout.manager.firmware,
    ...oem,
    VirtualMedia: mediaUnder === 'manager' ? link(managerMedia) : undefined,
    Links: { ManagerForServers: systems.map(s => link(s.path)) },
  });
  if (mediaUnder === 'manager') addVirtualMedia(managerMedia);

  for (const { path: system, n } of systems) {
    addSystem(system, n);
  }
  return tree;

  function addVirtualMedia(vmCollection: string) {
    const devices = layout.virtualMediaIds.map(id => `${vmCollection}/${id}`);
    tree.set(vmCollection, collection(vmCollection, 'VirtualMedia', devices));
    devices.forEach((path, i) => {
      const isCd = i === 0;
      add(path, {
        '@odata.type': '#VirtualMedia.v1_3_0.VirtualMedia',
        Id: layout.virtualMediaIds[i],
        Name: isCd ? 'Virtual CD' : 'Virtual Removable Media',
        MediaTypes: isCd ? ['CD', 'DVD'] : ['USBStick'],
        Image: null,
        Inserted: false,
        ConnectedVia: 'NotConnected',
        ...(layout.virtualMediaActions
          ? {
              Actions: {
                '#VirtualMedia.InsertMedia': {
                  target: `${path}/Actions/VirtualMedia.InsertMedia`,
                },
                '#VirtualMedia.EjectMedia': {
                  target: `${path}/Actions/VirtualMedia.EjectMedia`,
                },
              },
            }
          : {}),
      });
    });
  }

  function addSystem(system: string, n: number) {
    // Each system of an enclosure is its own server: its own serial, MACs, shape.
    const unit = index + n * 1000;
    const shape = SHAPES[unit % SHAPES.length];
    const serial = `${serialOf(vendor, index)}${count > 1 ? `N${n + 1}` : ''}`;
    const bios = `${system}/Bios`;
    const vmCollection = `${system}/VirtualMedia`;
    const resetAction: Resource = {
      target: `${system}/Actions/ComputerSystem.Reset`,
    };
    if (layout.resetActionInfo) {
      resetAction['@Redfish.ActionInfo'] = `${system}/ResetActionInfo`;
      add(`${system}/ResetActionInfo`, {
        '@odata.type': '#ActionInfo.v1_1_1.ActionInfo',
        Id: 'ResetAction',
        Parameters: [
          {
            Name: 'ResetType',
            Required: true,
            DataType: 'String',
            AllowableValues: layout.resetTypes,
          },
        ],
      });
    } else {
      resetAction['ResetType@Redfish.AllowableValues'] = layout.resetTypes;
    }

    add(system, {
      '@odata.type': '#ComputerSystem.v1_10_0.ComputerSystem',
      Id: system.slice(system.lastIndexOf('/') + 1),
      Name: 'System',
      SystemType: 'Physical',
      Manufacturer: layout.manufacturer,
      Model: layout.models[index % layout.models.length],
      SerialNumber: serial,
      UUID: uuidOf(vendor, unit),
      PowerState: 'Off',
      Status: { State: 'Enabled', Health: 'OK', HealthRollup: 'OK' },
      ProcessorSummary: { Count: shape.sockets, Status: { Health: 'OK' } },
      MemorySummary: {
        TotalSystemMemoryGiB: shape.dimms * shape.dimmGiB,
        Status: { Health: 'OK' },
      },
      Boot: {
        BootSourceOverrideEnabled: 'Disabled',
        BootSourceOverrideMode: 'UEFI',
        BootSourceOverrideTarget: 'None',
        'BootSourceOverrideTarget@Redfish.AllowableValues': bootTargets,
        ...(options.bootOverrideEnabled && {
          'BootSourceOverrideEnabled@Redfish.AllowableValues':
            options.bootOverrideEnabled,
        }),
        UefiTargetBootSourceOverride: null,
      },
      Actions: { '#ComputerSystem.Reset': resetAction },
      Bios: link(`${bios}${slash}`),
      Processors: link(`${system}/Processors`),
      Memory: link(`${system}/Memory`),
      EthernetInterfaces: link(`${system}/EthernetInterfaces`),
      Storage: link(`${system}/Storage`),
      VirtualMedia: mediaUnder === 'system' ? link(vmCollection) : null,
      Links: { ManagedBy: [link(manager)], Chassis: [link(chassis)] },
      ...oem,
    });

    const cpus = range(shape.sockets).map(i => `${system}/Processors/${i + 1}`);
    tree.set(
      `${system}/Processors`,
      collection(`${system}/Processors`, 'Processor', cpus),
    );
    cpus.forEach((path, i) =>
      add(path, {
        '@odata.type': '#Processor.v1_7_0.Processor',
        Id: String(i + 1),
        ProcessorType: 'CPU',
        TotalCores: shape.coresPerSocket,
        TotalThreads: shape.coresPerSocket * 2,
        Status: { State: 'Enabled', Health: 'OK' },
      }),
    );

    const dimms = range(shape.dimms).map(i => `${system}/Memory/DIMM${i + 1}`);
    tree.set(
      `${system}/Memory`,
      collection(`${system}/Memory`, 'Memory', dimms),
    );
    dimms.forEach((path, i) =>
      add(path, {
        '@odata.type': '#Memory.v1_7_0.Memory',
        Id: `DIMM${i + 1}`,
        CapacityMiB: shape.dimmGiB * 1024,
      }),
    );

    const nics = [1, 2].map(i => `${system}/EthernetInterfaces/${i}`);
    tree.set(
      `${system}/EthernetInterfaces`,
      collection(`${system}/EthernetInterfaces`, 'EthernetInterface', nics),
    );
    nics.forEach((path, i) =>
      add(path, {
        '@odata.type': '#EthernetInterface.v1_5_0.EthernetInterface',
        Id: String(i + 1),
        MACAddress: macAddress(unit, i),
        // The first port is cabled (an address in 10/8), the second not.
        IPv4Addresses:
          i === 0
            ? [
                {
                  Address: ipv4Address(unit),
                  SubnetMask: '255.0.0.0',
                  AddressOrigin: 'DHCP',
                },
              ]
            : [],
        Status: { State: 'Enabled', Health: 'OK' },
      }),
    );

    const storage = `${system}/Storage/1`;
    const drives = range(shape.disks).map(i => `${storage}/Drives/${i}`);
    tree.set(
      `${system}/Storage`,
      collection(`${system}/Storage`, 'Storage', [storage]),
    );
    add(storage, {
      '@odata.type': '#Storage.v1_8_0.Storage',
      Id: '1',
      Drives: drives.map(link),
    });
    drives.forEach((path, i) =>
      add(path, {
        '@odata.type': '#Drive.v1_9_0.Drive',
        Id: String(i),
        Name: `Disk ${i}`,
        MediaType: 'SSD',
        CapacityBytes: shape.diskGB * 1e9,
      }),
    );

    if (mediaUnder === 'system') addVirtualMedia(vmCollection);

    const settings = layout.biosSettingsSuffix
      ? `${bios}${layout.biosSettingsSuffix}`
      : undefined;
    add(bios, {
      '@odata.type': '#Bios.v1_1_0.Bios',
      Id: 'Bios',
      Attributes: { BootMode: 'Uefi', SecureBoot: 'Disabled' },
      ...(settings
        ? { '@Redfish.Settings': { SettingsObject: link(settings) } }
        : {}),
    });
    if (settings) {
      tree.set(settings, {
        '@odata.id': settings,
        '@odata.type': '#Bios.v1_1_0.Bios',
        Id: 'Settings',
        Attributes: {},
      });
    }
  }
}

function serialOf(vendor: SimulatedVendor, index: number): string {
  return `SIM${vendor.slice(0, 3).toUpperCase()}${String(index).padStart(
    5,
    '0',
  )}`;
}

/** Unique per vendor and unit, as SMBIOS UUIDs are per board. */
function uuidOf(vendor: SimulatedVendor, unit: number): string {
  const tag = [...vendor].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  return `${tag.toString(16).padStart(8, '0')}-0000-4000-8000-${String(
    unit,
  ).padStart(12, '0')}`;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** A private address (10.x.y.z, never .0), unique per host. */
function ipv4Address(index: number): string {
  const n = index + 1 + Math.floor(index / 255);
  return `10.${(n >> 16) & 0xff}.${(n >> 8) & 0xff}.${n & 0xff}`;
}

/** Locally administered MACs (02:...), unique per host and port. */
function macAddress(index: number, port: number): string {
  const bytes = [
    0x02,
    0xb7,
    (index >> 16) & 0xff,
    (index >> 8) & 0xff,
    index & 0xff,
    port,
  ];
  return bytes.map(b => b.toString(16).padStart(2, '0')).join(':');
}
