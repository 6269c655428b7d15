import {
  BOOT_MODES,
  HostCapabilities,
  HostRequirements,
  PROVISIONING_MODES,
  ProvisioningNeeds,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { hostHash } from '../../../../plugins/beskar7-backend/src/claims/rendezvous';
import {
  identityKey,
  SelectableHost,
} from '../../../../plugins/beskar7-backend/src/claims/selection';
import {
  HOSTS_TABLE,
  hostCapabilitiesColumns,
  hostRingColumns,
  hostSpecToColumns,
} from '../../../../plugins/beskar7-backend/src/database/hostRows';
import {
  MACHINES_TABLE,
  machineSpecToColumns,
} from '../../../../plugins/beskar7-backend/src/database/machineRows';

/**
 * Random fleets and requirements for the claim filter and ring tests,
 * seeded so that a failure is reproducible.
 */

/** A seeded generator (mulberry32): failures are reproducible. */
export function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]) => items[int(items.length)];
  return { next, int, pick };
}

/** Names mixing ASCII, other BMP characters and characters beyond U+FFFF (two UTF-16 units). */
const ALPHABET = [
  'a',
  'z',
  '0',
  '-',
  '.',
  'é',
  'ß',
  'Ж',
  '中',
  '\uffee',
  '😀',
  '𝔸',
];

export type Rng = ReturnType<typeof random>;

export function name(rng: Rng): string {
  return Array.from({ length: 1 + rng.int(12) }, () => rng.pick(ALPHABET)).join(
    '',
  );
}

export interface TestHost extends SelectableHost {
  id: string;
}

export function randomHost(rng: Rng, index: number): TestHost {
  const maybe = <T>(value: T) => (rng.next() < 0.7 ? value : undefined);
  const labels: Record<string, string> = {};
  for (const key of ['rack', 'zone', 'gpu']) {
    if (rng.next() < 0.6) labels[key] = rng.pick(['a', 'b', 'c']);
  }
  const identity = {
    namespace: rng.pick(['default', 'team-é', 'x😀']),
    name: `${name(rng)}-${index}`,
  };
  return {
    id: randomUUID(),
    ...identity,
    hash: hostHash(identityKey(identity)),
    pool: rng.pick(['p1', 'p2']),
    labels,
    tags: ['nvme', 'sriov', 'fpga'].filter(() => rng.next() < 0.5),
    failureDomain: maybe(rng.pick(['fd1', 'fd2'])),
    cpuCores: maybe(rng.pick([8, 16, 32])),
    memoryGiB: maybe(rng.pick([64, 128])),
    diskGiB: maybe(rng.pick([500, 1000])),
  };
}

/** The hosts, most with random capabilities, some not read yet. */
export function withCapabilities(rng: Rng, hosts: TestHost[]): TestHost[] {
  return hosts.map(h =>
    rng.next() < 0.8 ? { ...h, capabilities: randomCapabilities(rng) } : h,
  );
}

/** What a BMC offers: blades without virtual media, USB-only media, lists given or not. */
export function randomCapabilities(rng: Rng): HostCapabilities {
  const some = (values: string[]) => values.filter(() => rng.next() < 0.6);
  const listed = (values: string[]) =>
    rng.next() < 0.7 ? some(values) : undefined;
  const targets = listed(['None', 'Cd', 'Pxe', 'Hdd', 'UefiHttp']);
  const modes = listed(['UEFI', 'Legacy']);
  return {
    virtualMediaTypes: some(['CD', 'DVD', 'USBStick', 'Floppy']),
    ...(targets && { bootSourceOverrideTargets: targets }),
    ...(modes && { bootSourceOverrideModes: modes }),
  };
}

export function randomNeeds(rng: Rng): ProvisioningNeeds {
  return {
    provisioningMode: rng.pick(PROVISIONING_MODES),
    bootMode: rng.pick(BOOT_MODES),
  };
}

export function randomRequirements(rng: Rng): HostRequirements {
  const requirements: HostRequirements = {};
  const sometimes = () => rng.next() < 0.3;
  if (sometimes()) requirements.namespace = rng.pick(['default', 'x😀']);
  if (sometimes()) requirements.pool = rng.pick(['p1', 'p2', 'p3']);
  if (sometimes()) requirements.failureDomain = rng.pick(['fd1', 'fd2']);
  if (sometimes()) requirements.minCpuCores = rng.pick([1, 16, 32, 64]);
  if (sometimes()) requirements.minMemoryGiB = rng.pick([64, 100, 128]);
  if (sometimes()) requirements.minDiskGiB = rng.pick([500, 1000]);
  if (sometimes()) {
    requirements.tags = ['nvme', 'sriov', 'fpga'].filter(
      () => rng.next() < 0.4,
    );
  }
  if (sometimes()) {
    requirements.selector = {};
    if (rng.next() < 0.5) {
      requirements.selector.matchLabels = { [rng.pick(['rack', 'zone'])]: 'a' };
    }
    if (rng.next() < 0.7) {
      requirements.selector.matchExpressions = Array.from(
        { length: 1 + rng.int(2) },
        () => ({
          key: rng.pick(['rack', 'zone', 'gpu']),
          operator: rng.pick([
            'In',
            'NotIn',
            'Exists',
            'DoesNotExist',
          ] as const),
          values: ['a', 'b', 'c'].filter(() => rng.next() < 0.5),
        }),
      );
    }
  }
  return requirements;
}

export async function insertHosts(knex: Knex, hosts: TestHost[]) {
  const now = new Date();
  for (let i = 0; i < hosts.length; i += 100) {
    await knex(HOSTS_TABLE).insert(
      hosts.slice(i, i + 100).map(h => ({
        id: h.id,
        name: h.name,
        namespace: h.namespace,
        ...hostRingColumns(knex, h),
        ...hostSpecToColumns({
          pool: h.pool,
          labels: h.labels,
          tags: h.tags,
          failureDomain: h.failureDomain,
          hardware: {
            cpuCores: h.cpuCores,
            memoryGiB: h.memoryGiB,
            diskGiB: h.diskGiB,
            macAddresses: [],
          },
          bmc: {
            address: `https://bmc-${h.id}.test`,
            credentialsRef: 'c',
            insecureSkipVerify: false,
          },
        }),
        ...(h.capabilities && hostCapabilitiesColumns(h.capabilities)),
        state: 'Available',
        version: 0,
        created_at: now,
        updated_at: now,
      })),
    );
  }
}

export async function insertMachine(
  knex: Knex,
  machine: {
    namespace: string;
    name: string;
    requirements: HostRequirements;
  } & Partial<ProvisioningNeeds>,
): Promise<string> {
  const id = randomUUID();
  const now = new Date();
  await knex(MACHINES_TABLE).insert({
    id,
    name: machine.name,
    namespace: machine.namespace,
    ...machineSpecToColumns({
      requirements: machine.requirements,
      imageUrl: 'https://images.test/os.iso',
      osFamily: 'kairos',
      provisioningMode: machine.provisioningMode ?? 'RemoteConfig',
      bootMode: machine.bootMode ?? 'UEFI',
    }),
    phase: 'Pending',
    created_at: now,
    updated_at: now,
  });
  return id;
}
