import {
  HostRequirements,
  ProvisioningNeeds,
} from '@beskar7/backstage-plugin-beskar7-common';
import {
  matchesLabelSelector,
  matchesRequirements,
} from '@beskar7/backstage-plugin-beskar7-common';
import { onRing, RING_WINDOW, ringChoice, ringRank } from './ring';
import { SelectableHost, selectHosts } from './selection';

function host(
  name: string,
  facts: Partial<SelectableHost> = {},
): SelectableHost {
  return onRing({
    name,
    namespace: 'default',
    pool: 'default',
    labels: {},
    tags: [],
    cpuCores: 16,
    memoryGiB: 128,
    diskGiB: 500,
    ...facts,
  });
}

function machine(
  name: string,
  requirements: HostRequirements = {},
  needs: ProvisioningNeeds = {
    provisioningMode: 'PreBakedISO',
    bootMode: 'UEFI',
  },
) {
  return { name, namespace: 'default', requirements, ...needs };
}

const fleet = Array.from({ length: 200 }, (_, i) => host(`host-${i}`));

/** How many machines choose each host first, over `machines` machines. */
function firstChoices(
  hosts: SelectableHost[],
  machines: number,
  window = RING_WINDOW,
) {
  const counts = new Map<string, number>();
  for (let i = 0; i < machines; i++) {
    const chosen = ringChoice(`default/m-${i}`, hosts, window)!.name;
    counts.set(chosen, (counts.get(chosen) ?? 0) + 1);
  }
  return counts;
}

/** The chance that two machines taken at random choose the same host first. */
function collisionChance(counts: Map<string, number>, machines: number) {
  let pairs = 0;
  for (const n of counts.values()) pairs += n * (n - 1);
  return pairs / (machines * (machines - 1));
}

describe('the claim ring', () => {
  it('is stable: the same request always prefers the same hosts', () => {
    const first = selectHosts(machine('m-1'), fleet).map(h => h.name);
    const shuffled = [...fleet].reverse();
    const second = selectHosts(machine('m-1'), shuffled).map(h => h.name);
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(fleet.length);
  });

  it('spreads first choices like independent picks would', () => {
    const hosts = Array.from({ length: 1000 }, (_, i) => host(`h-${i}`));
    // Uniform independent picks cover 1 - 1/e ≈ 63.2% of the hosts; a plain
    // ring (window 1) about half, its arcs being uneven.
    expect(firstChoices(hosts, 1000).size).toBeGreaterThan(580);
    expect(firstChoices(hosts, 1000).size).toBeLessThan(680);
    expect(firstChoices(hosts, 1000, 1).size).toBeLessThan(540);
  });

  it('makes two concurrent claims want the same host about as rarely as independent picks', () => {
    const hosts = Array.from({ length: 1000 }, (_, i) => host(`h-${i}`));
    const machines = 20_000;
    // Independent picks: 1/1000; the window of 8: about (1 + 1/8)/1000.
    expect(
      collisionChance(firstChoices(hosts, machines), machines),
    ).toBeLessThan(1.3 / 1000);
    expect(
      collisionChance(firstChoices(hosts, machines, 1), machines),
    ).toBeGreaterThan(1.7 / 1000);
  });

  it('takes the next choice when the first is gone', () => {
    for (let i = 0; i < 100; i++) {
      const [first, second, third] = ringRank(`default/m-${i}`, fleet);
      const without = fleet.filter(h => h !== first);
      expect(ringChoice(`default/m-${i}`, without)).toBe(second);
      expect(
        ringChoice(
          `default/m-${i}`,
          without.filter(h => h !== second),
        ),
      ).toBe(third);
    }
  });

  it('moves few requests when a host leaves, every one that preferred it', () => {
    const machines = Array.from({ length: 1000 }, (_, i) => machine(`m-${i}`));
    const before = machines.map(m => selectHosts(m, fleet)[0].name);
    const without = fleet.filter(h => h.name !== 'host-42');
    const after = machines.map(m => selectHosts(m, without)[0].name);
    const moved = before.filter((name, i) => name !== after[i]);
    expect(moved.filter(name => name === 'host-42')).toEqual(
      before.filter(name => name === 'host-42'),
    );
    // Only windows that held host-42 change: about 8 in 200 of them, and a
    // request moves only if the host that enters outweighs its choice.
    expect(moved.length).toBeLessThan(40);
  });

  it('adding a host takes few first choices', () => {
    const machines = Array.from({ length: 1000 }, (_, i) => machine(`m-${i}`));
    const before = machines.map(m => selectHosts(m, fleet)[0].name);
    const after = machines.map(
      m => selectHosts(m, [...fleet, host('host-new')])[0].name,
    );
    const moved = after.filter((name, i) => name !== before[i]);
    // Expected 1000/201 ≈ 5 to the new host, and a few whose choice left their window.
    expect(moved.filter(name => name === 'host-new').length).toBeLessThan(20);
    expect(moved.length).toBeLessThan(30);
  });
});

describe('label selectors', () => {
  const labels = { rack: 'r1', gpu: 'a100', tier: 'gold' };

  it.each([
    [{ matchLabels: { rack: 'r1' } }, true],
    [{ matchLabels: { rack: 'r2' } }, false],
    [{ matchLabels: { zone: 'z' } }, false],
    [
      {
        matchExpressions: [
          { key: 'gpu', operator: 'In' as const, values: ['a100', 'h100'] },
        ],
      },
      true,
    ],
    [
      {
        matchExpressions: [
          { key: 'gpu', operator: 'In' as const, values: ['h100'] },
        ],
      },
      false,
    ],
    [
      {
        matchExpressions: [
          { key: 'zone', operator: 'In' as const, values: ['z'] },
        ],
      },
      false,
    ],
    [
      {
        matchExpressions: [
          { key: 'tier', operator: 'NotIn' as const, values: ['bronze'] },
        ],
      },
      true,
    ],
    [
      {
        matchExpressions: [
          { key: 'tier', operator: 'NotIn' as const, values: ['gold'] },
        ],
      },
      false,
    ],
    [
      {
        matchExpressions: [
          { key: 'zone', operator: 'NotIn' as const, values: ['z'] },
        ],
      },
      true,
    ],
    [{ matchExpressions: [{ key: 'gpu', operator: 'Exists' as const }] }, true],
    [
      { matchExpressions: [{ key: 'zone', operator: 'Exists' as const }] },
      false,
    ],
    [
      {
        matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' as const }],
      },
      true,
    ],
    [
      { matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' as const }] },
      false,
    ],
    [
      {
        matchLabels: { rack: 'r1' },
        matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' as const }],
      },
      false,
    ],
    [{}, true],
  ])('%j matches: %p', (selector, expected) => {
    expect(matchesLabelSelector(labels, selector)).toBe(expected);
  });

  it('does not take inherited properties for labels', () => {
    expect(
      matchesLabelSelector(
        {},
        { matchExpressions: [{ key: 'toString', operator: 'Exists' }] },
      ),
    ).toBe(false);
  });
});

describe('requirement matching', () => {
  const h = host('h', {
    pool: 'gpu',
    labels: { rack: 'r1' },
    tags: ['nvme', 'sriov'],
    failureDomain: 'fd-a',
    cpuCores: 64,
    memoryGiB: 512,
    diskGiB: 2000,
  });

  it.each<[HostRequirements, boolean]>([
    [{}, true],
    [{ pool: 'gpu' }, true],
    [{ pool: 'cpu' }, false],
    [{ failureDomain: 'fd-a' }, true],
    [{ failureDomain: 'fd-b' }, false],
    [{ tags: ['nvme'] }, true],
    [{ tags: ['nvme', 'sriov'] }, true],
    [{ tags: ['nvme', 'infiniband'] }, false],
    [{ minCpuCores: 64 }, true],
    [{ minCpuCores: 65 }, false],
    [{ minMemoryGiB: 512 }, true],
    [{ minMemoryGiB: 1024 }, false],
    [{ minDiskGiB: 1999 }, true],
    [{ minDiskGiB: 4000 }, false],
    [{ selector: { matchLabels: { rack: 'r1' } } }, true],
    [{ selector: { matchLabels: { rack: 'r2' } } }, false],
    [
      {
        pool: 'gpu',
        tags: ['sriov'],
        minCpuCores: 32,
        failureDomain: 'fd-a',
        selector: { matchLabels: { rack: 'r1' } },
      },
      true,
    ],
  ])('%j → %p', (requirements, expected) => {
    expect(matchesRequirements(h, requirements)).toBe(expected);
  });

  it('never satisfies a minimum with unknown hardware', () => {
    const unknown = host('u', { cpuCores: undefined });
    expect(matchesRequirements(unknown, { minCpuCores: 1 })).toBe(false);
    expect(matchesRequirements(unknown, {})).toBe(true);
  });

  it('selects only matching hosts, in ring order', () => {
    const hosts = [
      host('a', { pool: 'gpu' }),
      host('b', { pool: 'cpu' }),
      host('c', { pool: 'gpu' }),
      host('d', { pool: 'gpu', cpuCores: 4 }),
    ];
    const selected = selectHosts(
      machine('m', { pool: 'gpu', minCpuCores: 8 }),
      hosts,
    );
    expect(selected.map(s => s.name).sort()).toEqual(['a', 'c']);
    expect(selected).toEqual(ringRank('default/m', selected));
  });

  it('selects for an ISO mode only hosts with CD/DVD virtual media', () => {
    const blade = { virtualMediaTypes: [], bootSourceOverrideTargets: ['Pxe'] };
    const hosts = [
      host('blade', { capabilities: blade }),
      host('server', { capabilities: { virtualMediaTypes: ['DVD'] } }),
      host('not-yet-read'),
    ];
    const names = (needs: ProvisioningNeeds) =>
      selectHosts(machine('m', {}, needs), hosts)
        .map(s => s.name)
        .sort();
    expect(
      names({ provisioningMode: 'RemoteConfig', bootMode: 'UEFI' }),
    ).toEqual(['not-yet-read', 'server']);
    expect(names({ provisioningMode: 'PXE', bootMode: 'UEFI' })).toEqual([
      'blade',
      'not-yet-read',
      'server',
    ]);
  });
});
