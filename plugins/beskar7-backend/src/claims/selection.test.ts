import { HostRequirements } from '@beskar7/backstage-plugin-beskar7-common';
import { rendezvousRank, rendezvousWeight } from './rendezvous';
import {
  matchesLabelSelector,
  matchesRequirements,
} from '@beskar7/backstage-plugin-beskar7-common';
import { SelectableHost, selectHosts } from './selection';

function host(
  name: string,
  facts: Partial<SelectableHost> = {},
): SelectableHost {
  return {
    name,
    namespace: 'default',
    pool: 'default',
    labels: {},
    tags: [],
    cpuCores: 16,
    memoryGiB: 128,
    diskGiB: 500,
    ...facts,
  };
}

function machine(name: string, requirements: HostRequirements = {}) {
  return { name, namespace: 'default', requirements };
}

const fleet = Array.from({ length: 200 }, (_, i) => host(`host-${i}`));

describe('rendezvous ranking', () => {
  it('is stable: the same request always prefers the same hosts', () => {
    const first = selectHosts(machine('m-1'), fleet).map(h => h.name);
    const shuffled = [...fleet].reverse();
    const second = selectHosts(machine('m-1'), shuffled).map(h => h.name);
    expect(second).toEqual(first);
    expect(rendezvousWeight('default/m-1', 'default/host-7')).toBe(
      rendezvousWeight('default/m-1', 'default/host-7'),
    );
  });

  it('spreads first choices like independent picks would', () => {
    const machines = Array.from({ length: 1000 }, (_, i) => `default/m-${i}`);
    const hosts = Array.from({ length: 1000 }, (_, i) => `default/h-${i}`);
    const firstChoices = new Set(
      machines.map(m => rendezvousRank(m, hosts, h => h)[0]),
    );
    // Uniform independent picks cover 1 - 1/e ≈ 63.2% of the hosts.
    expect(firstChoices.size).toBeGreaterThan(590);
    expect(firstChoices.size).toBeLessThan(680);
  });

  it('ranks every host, without ties', () => {
    const ranked = rendezvousRank('default/m-1', fleet, h => h.name);
    expect(new Set(ranked).size).toBe(fleet.length);
    const weights = fleet.map(h => rendezvousWeight('default/m-1', h.name));
    expect(new Set(weights).size).toBe(fleet.length);
  });

  it('moves only the requests that preferred a removed host', () => {
    const machines = Array.from({ length: 500 }, (_, i) => machine(`m-${i}`));
    const before = machines.map(m => selectHosts(m, fleet)[0].name);
    const without = fleet.filter(h => h.name !== 'host-42');
    const after = machines.map(m => selectHosts(m, without)[0].name);
    const moved = before.filter((name, i) => name !== after[i]);
    expect(moved.every(name => name === 'host-42')).toBe(true);
  });

  it('adding a host takes few first choices', () => {
    const machines = Array.from({ length: 1000 }, (_, i) => machine(`m-${i}`));
    const before = machines.map(m => selectHosts(m, fleet)[0].name);
    const after = machines.map(
      m => selectHosts(m, [...fleet, host('host-new')])[0].name,
    );
    const moved = after.filter((name, i) => name !== before[i]);
    expect(moved.every(name => name === 'host-new')).toBe(true);
    // Expected 1000/201 ≈ 5.
    expect(moved.length).toBeLessThan(20);
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

  it('selects only matching hosts, in rendezvous order', () => {
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
    expect(selected).toEqual(
      rendezvousRank('default/m', selected, s => `default/${s.name}`),
    );
  });
});
