import { RedfishClient } from './client';
import { DiscoveredService } from './discovery';
import { linkOf, memberLinks, Resource } from './odata';
import { systemIdentityOf } from './systemIdentity';
import { HostCapabilities } from '@beskar7/backstage-plugin-beskar7-common';
import { BmcInventory, DiskInfo, PowerState } from './types';

const GIB = 1024 ** 3;

/**
 * Reads what the claim engine matches on. Sub-resources are optional: many
 * BMCs omit some (no Processors on older iDRAC, null summaries on XCC), and
 * a missing one leaves its field empty rather than failing the inspection.
 */
export async function readInventory(
  client: RedfishClient,
  service: DiscoveredService,
): Promise<BmcInventory> {
  const system = await client.get(service.systemPath);
  const [cpuCores, memoryGiB, disks, nics] = await Promise.all([
    readCpuCores(client, system),
    readMemoryGiB(client, system),
    readDisks(client, system),
    members(client, system.EthernetInterfaces),
  ]);
  const ipAddresses = ipv4AddressesOf(nics);
  const diskBytes = disks.reduce((sum, d) => sum + (d.capacityBytes ?? 0), 0);
  return {
    vendor: service.vendor.id,
    systemPath: service.systemPath,
    manufacturer: stringOrUndefined(system.Manufacturer),
    model: stringOrUndefined(system.Model),
    serialNumber: stringOrUndefined(system.SerialNumber),
    powerState: powerStateOf(system),
    health: stringOrUndefined(
      system.Status?.Health ?? system.Status?.HealthRollup,
    ),
    cpuCores,
    memoryGiB,
    diskGiB: diskBytes > 0 ? Math.round(diskBytes / GIB) : undefined,
    disks,
    macAddresses: macAddressesOf(nics),
    ...(ipAddresses.length && { ipAddresses }),
    systemIdentity: systemIdentityOf(system),
    capabilities: capabilitiesOf(system, service),
  };
}

/**
 * What the BMC offers for provisioning: its virtual media types, and the
 * boot override targets and modes the system lists as allowable (DMTF
 * ComputerSystem `Boot`); a list the BMC does not give stays absent.
 */
export function capabilitiesOf(
  system: Resource,
  service: Pick<DiscoveredService, 'virtualMediaTypes'>,
): HostCapabilities {
  const allowable = (property: string) => {
    const values = system.Boot?.[`${property}@Redfish.AllowableValues`];
    return Array.isArray(values)
      ? [...new Set(values.filter((v): v is string => typeof v === 'string'))]
      : undefined;
  };
  const targets = allowable('BootSourceOverrideTarget');
  const modes = allowable('BootSourceOverrideMode');
  return {
    virtualMediaTypes: service.virtualMediaTypes,
    ...(targets && { bootSourceOverrideTargets: targets }),
    ...(modes && { bootSourceOverrideModes: modes }),
  };
}

export function powerStateOf(system: Resource): PowerState {
  const state = system.PowerState;
  return state === 'On' ||
    state === 'Off' ||
    state === 'PoweringOn' ||
    state === 'PoweringOff'
    ? state
    : 'Unknown';
}

async function members(
  client: RedfishClient,
  link: unknown,
): Promise<Resource[]> {
  const path = linkOf(link);
  if (!path) {
    return [];
  }
  const collection = await client.getOptional(path);
  const items = await Promise.all(
    memberLinks(collection).map(p => client.getOptional(p)),
  );
  return items.filter((i): i is Resource => !!i);
}

async function readCpuCores(
  client: RedfishClient,
  system: Resource,
): Promise<number | undefined> {
  const processors = await members(client, system.Processors);
  const cores = processors
    .filter(p => p.ProcessorType === undefined || p.ProcessorType === 'CPU')
    .reduce(
      (sum, p) => sum + (typeof p.TotalCores === 'number' ? p.TotalCores : 0),
      0,
    );
  if (cores > 0) {
    return cores;
  }
  const summary = system.ProcessorSummary?.CoreCount;
  return typeof summary === 'number' ? summary : undefined;
}

async function readMemoryGiB(
  client: RedfishClient,
  system: Resource,
): Promise<number | undefined> {
  const total = system.MemorySummary?.TotalSystemMemoryGiB;
  if (typeof total === 'number' && total > 0) {
    return total;
  }
  const dimms = await members(client, system.Memory);
  const mib = dimms.reduce(
    (sum, d) => sum + (typeof d.CapacityMiB === 'number' ? d.CapacityMiB : 0),
    0,
  );
  return mib > 0 ? Math.round(mib / 1024) : undefined;
}

async function readDisks(
  client: RedfishClient,
  system: Resource,
): Promise<DiskInfo[]> {
  const disks: DiskInfo[] = [];
  for (const storage of await members(client, system.Storage)) {
    const drives = Array.isArray(storage.Drives) ? storage.Drives : [];
    for (const link of drives) {
      const path = linkOf(link);
      const drive = path ? await client.getOptional(path) : undefined;
      if (drive) {
        disks.push({
          name: String(drive.Name ?? drive.Id ?? path),
          capacityBytes: numberOrUndefined(drive.CapacityBytes),
          mediaType: stringOrUndefined(drive.MediaType),
        });
      }
    }
  }
  if (disks.length > 0) {
    return disks;
  }
  // Older firmware only describes disks in SimpleStorage.
  for (const simple of await members(client, system.SimpleStorage)) {
    for (const device of Array.isArray(simple.Devices) ? simple.Devices : []) {
      disks.push({
        name: String(device.Name ?? device.Model ?? 'disk'),
        capacityBytes: numberOrUndefined(device.CapacityBytes),
      });
    }
  }
  return disks;
}

function macAddressesOf(nics: Resource[]): string[] {
  const macs = nics
    .map(n => n.PermanentMACAddress ?? n.MACAddress)
    .filter(
      (m): m is string =>
        typeof m === 'string' && /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(m),
    )
    .map(m => m.toLowerCase().replace(/-/g, ':'));
  return [...new Set(macs)];
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/**
 * The usable IPv4 addresses of the interfaces (DMTF EthernetInterface
 * `IPv4Addresses[].Address`): BMCs fill in placeholders ("N/A", 0.0.0.0)
 * and link-local addresses, which reach nothing.
 */
function ipv4AddressesOf(nics: Resource[]): string[] {
  const addresses = nics
    .flatMap(n => (Array.isArray(n.IPv4Addresses) ? n.IPv4Addresses : []))
    .map(a => a?.Address)
    .filter(
      (a): a is string =>
        typeof a === 'string' &&
        IPV4.test(a) &&
        a !== '0.0.0.0' &&
        !a.startsWith('169.254.'),
    );
  return [...new Set(addresses)];
}

function stringOrUndefined(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function numberOrUndefined(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
