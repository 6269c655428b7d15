import { VendorQuirks } from '@beskar7/backstage-plugin-beskar7-node';
import { systemIdOf } from './bmcEndpoint';
import { RedfishClient } from './client';
import { RedfishUnsupportedError } from './errors';
import { linkOf, memberLinks, Resource } from './odata';
import { detectVendor, oemNamesOf } from './vendors';

/** Where a BMC keeps what provisioning needs, found by following links. */
export interface DiscoveredService {
  vendor: VendorQuirks;
  systemPath: string;
  managerPath?: string;
  /** The CD/DVD-capable virtual media device, when the BMC has one. */
  virtualMediaPath?: string;
  /** The media types of every virtual media device (mediaTypesOf), each once. */
  virtualMediaTypes: string[];
  biosPath?: string;
}

/** The `@odata.id` of every ComputerSystem the service lists. */
export async function listSystems(client: RedfishClient): Promise<string[]> {
  const root = await client.root();
  const systemsPath = linkOf(root.Systems);
  if (!systemsPath) {
    throw new RedfishUnsupportedError(
      client.address,
      'the service root links no Systems collection',
    );
  }
  const systems = memberLinks(await client.get(systemsPath));
  if (systems.length === 0) {
    throw new RedfishUnsupportedError(
      client.address,
      'the Systems collection is empty',
    );
  }
  return systems;
}

/**
 * Follows the links of one ComputerSystem (`systemId`, else the first the
 * service lists) to what provisioning needs.
 */
export async function discoverService(
  client: RedfishClient,
  extraVendors: VendorQuirks[],
  systemId?: string,
): Promise<DiscoveredService> {
  const root = await client.root();
  const systems = await listSystems(client);
  const systemPath = systemId
    ? systems.find(path => systemIdOf(path) === systemId)
    : systems[0];
  if (!systemPath) {
    throw new RedfishUnsupportedError(
      client.address,
      `system ${systemId} does not exist; the BMC lists ${systems
        .map(systemIdOf)
        .join(', ')}`,
    );
  }
  const system = await client.get(systemPath);
  const manager = await managerOf(client, root, system, systemPath);
  const vendor = detectVendor(
    {
      manufacturer: system.Manufacturer,
      vendor: root.Vendor,
      product: root.Product,
      managerModel: manager?.Model,
      managerFirmware: manager?.FirmwareVersion,
      oem: oemNamesOf([root, system, manager]),
    },
    extraVendors,
  );
  const devices = await virtualMediaDevices(client, system, manager);
  return {
    vendor,
    systemPath,
    managerPath: manager?.['@odata.id'],
    virtualMediaPath: pickCdDevice(devices),
    virtualMediaTypes: [...new Set(devices.flatMap(mediaTypesOf))],
    biosPath: linkOf(system.Bios),
  };
}

/**
 * The system's manager: the one it links (`ManagedBy`), else the one whose
 * `ManagerForServers` lists it, else the only one (Cray blades link none).
 */
async function managerOf(
  client: RedfishClient,
  root: Resource,
  system: Resource,
  systemPath: string,
): Promise<Resource | undefined> {
  const linked = linkOf(system.Links?.ManagedBy?.[0]);
  const read = async (path: string): Promise<Resource | undefined> => {
    const manager = await client.getOptional(path);
    return manager && { ...manager, '@odata.id': path };
  };
  if (linked) return read(linked);
  const collection = linkOf(root.Managers);
  if (!collection) return undefined;
  const paths = memberLinks(await client.getOptional(collection));
  const managers = (await Promise.all(paths.map(read))).filter(
    (m): m is Resource => !!m,
  );
  const key = (path: string | undefined) => path?.replace(/\/+$/, '');
  return (
    managers.find(m =>
      (m.Links?.ManagerForServers ?? []).some(
        (s: unknown) => key(linkOf(s)) === key(systemPath),
      ),
    ) ?? (managers.length === 1 ? managers[0] : undefined)
  );
}

/**
 * The virtual media devices of the system's collection, then of its
 * manager's (newer iDRAC firmware puts them under the system, most BMCs
 * under the manager); a link that leads nowhere counts as absent.
 */
async function virtualMediaDevices(
  client: RedfishClient,
  system: Resource,
  manager: Resource | undefined,
): Promise<Resource[]> {
  const collections = [
    ...new Set(
      [linkOf(system.VirtualMedia), linkOf(manager?.VirtualMedia)].filter(
        (path): path is string => !!path,
      ),
    ),
  ];
  const devices: Resource[] = [];
  for (const collectionPath of collections) {
    const collection = await client.getOptional(collectionPath);
    for (const path of memberLinks(collection)) {
      const device = await client.getOptional(path);
      if (device) devices.push({ ...device, '@odata.id': path });
    }
  }
  return devices;
}

/**
 * The media types a device takes (`MediaTypes`); AMI lists none, so a
 * device named a CD/DVD drive counts as `CD` there, as pickCdDevice has it.
 */
export function mediaTypesOf(device: Resource): string[] {
  if (Array.isArray(device.MediaTypes)) {
    return device.MediaTypes.filter(
      (t: unknown): t is string => typeof t === 'string',
    );
  }
  return /\b(cd|dvd)/i.test(`${device.Id ?? ''} ${device.Name ?? ''}`)
    ? ['CD']
    : [];
}

/** A device that takes CD or DVD images; AMI lists no MediaTypes, so the name decides there. */
export function pickCdDevice(devices: Resource[]): string | undefined {
  const byType = devices.find(
    d =>
      Array.isArray(d.MediaTypes) &&
      d.MediaTypes.some((t: string) => t === 'CD' || t === 'DVD'),
  );
  const byName = devices.find(
    d =>
      !Array.isArray(d.MediaTypes) &&
      /\b(cd|dvd)/i.test(`${d.Id ?? ''} ${d.Name ?? ''}`),
  );
  return (byType ?? byName)?.['@odata.id'];
}
