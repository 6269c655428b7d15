import {
  HostRequirements,
  matchesRequirements,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { rendezvousRank } from '../claims/rendezvous';
import { identityKey, SelectableHost } from '../claims/selection';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  ClaimStore,
  ELIGIBLE_SQL,
  MACHINE_SQL,
  RANK_ORDER_SQL,
} from './ClaimStore';
import { HOST_EVENTS_TABLE } from './HostEventStore';
import { HOSTS_TABLE, hostSpecToColumns } from './hostRows';
import { MACHINES_TABLE, machineSpecToColumns } from './machineRows';
import { applyDatabaseMigrations } from './migrations';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** A seeded generator (mulberry32): failures are reproducible. */
function random(seed: number) {
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

type Rng = ReturnType<typeof random>;

function name(rng: Rng): string {
  return Array.from({ length: 1 + rng.int(12) }, () => rng.pick(ALPHABET)).join(
    '',
  );
}

interface TestHost extends SelectableHost {
  id: string;
}

function randomHost(rng: Rng, index: number): TestHost {
  const maybe = <T>(value: T) => (rng.next() < 0.7 ? value : undefined);
  const labels: Record<string, string> = {};
  for (const key of ['rack', 'zone', 'gpu']) {
    if (rng.next() < 0.6) labels[key] = rng.pick(['a', 'b', 'c']);
  }
  return {
    id: randomUUID(),
    namespace: rng.pick(['default', 'team-é', 'x😀']),
    name: `${name(rng)}-${index}`,
    pool: rng.pick(['p1', 'p2']),
    labels,
    tags: ['nvme', 'sriov', 'fpga'].filter(() => rng.next() < 0.5),
    failureDomain: maybe(rng.pick(['fd1', 'fd2'])),
    cpuCores: maybe(rng.pick([8, 16, 32])),
    memoryGiB: maybe(rng.pick([64, 128])),
    diskGiB: maybe(rng.pick([500, 1000])),
  };
}

function randomRequirements(rng: Rng): HostRequirements {
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

async function insertHosts(knex: Knex, hosts: TestHost[]) {
  const now = new Date();
  for (let i = 0; i < hosts.length; i += 100) {
    await knex(HOSTS_TABLE).insert(
      hosts.slice(i, i + 100).map(h => ({
        id: h.id,
        name: h.name,
        namespace: h.namespace,
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
        state: 'Available',
        version: 0,
        created_at: now,
        updated_at: now,
      })),
    );
  }
}

async function insertMachine(
  knex: Knex,
  machine: { namespace: string; name: string; requirements: HostRequirements },
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
      provisioningMode: 'RemoteConfig',
      bootMode: 'UEFI',
    }),
    phase: 'Pending',
    created_at: now,
    updated_at: now,
  });
  return id;
}

/** The statement's own ranking and filter, read without writing. */
async function rankInDatabase(knex: Knex, machineId: string) {
  const { rows } = await knex.raw(
    `WITH ${MACHINE_SQL}
     SELECT h.id FROM ${HOSTS_TABLE} h, m WHERE ${ELIGIBLE_SQL}
      ORDER BY ${RANK_ORDER_SQL}`,
    [machineId],
  );
  return rows.map((r: { id: string }) => r.id);
}

/** Resolves once some statement on this database waits for a row lock. */
async function waitForLockWait(knex: Knex) {
  for (;;) {
    const { rows } = await knex.raw(
      `SELECT 1 FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (rows.length > 0) return;
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

describe.each(
  databases.eachSupportedId().filter(([id]) => id === 'POSTGRES_15'),
)('claim statements on %p', databaseId => {
  async function migrated() {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    return knex;
  }

  /** `count` hosts of one pool and a machine that any of them suits. */
  async function oneMachine(seed: number, count: number) {
    const knex = await migrated();
    const rng = random(seed);
    const hosts = Array.from({ length: count }, (_, i) => ({
      ...randomHost(rng, i),
      pool: 'p1',
    }));
    await insertHosts(knex, hosts);
    const machine = { namespace: 'default', name: 'm-1', requirements: {} };
    const id = await insertMachine(knex, machine);
    return { knex, hosts, machine, id };
  }

  it('ranks hosts in the order of rendezvous.ts, names of any script included', async () => {
    const knex = await migrated();
    const rng = random(20);
    const hosts = Array.from({ length: 120 }, (_, i) => ({
      ...randomHost(rng, i),
      pool: 'p1',
      labels: {},
      tags: [],
      failureDomain: undefined,
    }));
    await insertHosts(knex, hosts);
    for (let i = 0; i < 40; i++) {
      const machine = {
        namespace: rng.pick(['default', 'ns-😀']),
        name: `${name(rng)}-${i}`,
        requirements: {},
      };
      const id = await insertMachine(knex, machine);
      const expected = rendezvousRank(
        identityKey(machine),
        hosts,
        identityKey,
      ).map(h => h.id);
      expect(await rankInDatabase(knex, id)).toEqual(expected);
    }
  });

  it('filters hosts as matchesRequirements does', async () => {
    const knex = await migrated();
    const rng = random(7);
    const hosts = Array.from({ length: 80 }, (_, i) => randomHost(rng, i));
    await insertHosts(knex, hosts);
    // Hosts asked to leave the inventory are never claimed.
    const leaving = new Set(hosts.slice(0, 5).map(h => h.id));
    await knex(HOSTS_TABLE)
      .whereIn('id', [...leaving])
      .update({ removal_requested_at: new Date() });
    let nonEmpty = 0;
    for (let i = 0; i < 150; i++) {
      const requirements = randomRequirements(rng);
      const id = await insertMachine(knex, {
        namespace: 'default',
        name: `m-${i}`,
        requirements,
      });
      const expected = hosts
        .filter(h => !leaving.has(h.id) && matchesRequirements(h, requirements))
        .map(h => h.id)
        .sort();
      if (expected.length > 0 && expected.length < hosts.length) nonEmpty++;
      expect({
        requirements,
        eligible: (await rankInDatabase(knex, id)).sort(),
      }).toEqual({ requirements, eligible: expected });
    }
    // The cases were not all trivially everything or nothing.
    expect(nonEmpty).toBeGreaterThan(50);
  });

  it('claims the best eligible host, host and machine and event in one statement', async () => {
    const knex = await migrated();
    const rng = random(3);
    const hosts = Array.from({ length: 30 }, (_, i) => randomHost(rng, i));
    await insertHosts(knex, hosts);
    const requirements = { pool: 'p1' };
    const machine = { namespace: 'default', name: 'm-1', requirements };
    const id = await insertMachine(knex, machine);
    const best = rendezvousRank(
      identityKey(machine),
      hosts.filter(h => matchesRequirements(h, requirements)),
      identityKey,
    )[0];

    const store = new ClaimStore(knex);
    expect(await store.claim(id, { kind: 'skip_locked', exclude: [] })).toEqual(
      { kind: 'claimed', hostId: best.id },
    );
    expect(
      await knex(HOSTS_TABLE).where({ id: best.id }).first(),
    ).toMatchObject({ state: 'Claimed', consumer_id: id, version: 1 });
    expect(await knex(MACHINES_TABLE).where({ id }).first()).toMatchObject({
      phase: 'Claimed',
      host_id: best.id,
    });
    expect(
      await knex(HOST_EVENTS_TABLE).where({ host_id: best.id }),
    ).toMatchObject([
      { from_state: 'Available', to_state: 'Claimed', reason: 'Claimed' },
    ]);
    // Asked again, the machine is no longer Pending: nothing else is written.
    expect(
      await store.claim(id, {
        kind: 'ranked',
        exclude: [],
        ranked: 4,
        scarce: 0,
      }),
    ).toEqual({ kind: 'not_pending', phase: 'Claimed', hostId: best.id });
    expect(
      await store.claim(randomUUID(), {
        kind: 'host',
        host: { id: best.id, version: 1 },
      }),
    ).toEqual({ kind: 'missing' });
  });

  it('optimistic: a lost conditional write writes nothing and hands back the next candidates', async () => {
    const { knex, hosts, machine, id } = await oneMachine(4, 10);
    const ranked = rendezvousRank(identityKey(machine), hosts, identityKey);
    const store = new ClaimStore(knex);

    // The best host changes between the ranking and the write: held open
    // by another transaction that commits while the claim waits for it.
    const trx = await knex.transaction();
    await trx(HOSTS_TABLE)
      .where({ id: ranked[0].id })
      .update({ labels: '{"changed":"yes"}', version: 1 });
    const claim = store.claim(id, {
      kind: 'ranked',
      exclude: [],
      ranked: 3,
      scarce: 9,
    });
    await waitForLockWait(knex);
    await trx.commit();
    expect(await claim).toEqual({
      kind: 'none',
      lost: ranked[0].id,
      eligibleLeft: true,
      next: [
        { id: ranked[1].id, version: 0 },
        { id: ranked[2].id, version: 0 },
      ],
    });
    expect(await knex(MACHINES_TABLE).where({ id }).first()).toMatchObject({
      phase: 'Pending',
      host_id: null,
    });
    expect(await knex(HOST_EVENTS_TABLE)).toEqual([]);

    // A stale version loses too; the next candidate is written.
    expect(
      await store.claim(id, {
        kind: 'host',
        host: { id: ranked[0].id, version: 0 },
      }),
    ).toEqual({ kind: 'none', eligibleLeft: true, next: [] });
    expect(
      await store.claim(id, {
        kind: 'host',
        host: { id: ranked[1].id, version: 0 },
      }),
    ).toEqual({ kind: 'claimed', hostId: ranked[1].id });
  });

  it('optimistic: with few eligible hosts, passes over a host being written', async () => {
    const { knex, hosts, machine, id } = await oneMachine(6, 10);
    const ranked = rendezvousRank(identityKey(machine), hosts, identityKey);
    const store = new ClaimStore(knex);

    const trx = await knex.transaction();
    try {
      await trx(HOSTS_TABLE).where({ id: ranked[0].id }).forUpdate();
      expect(
        await store.claim(id, {
          kind: 'ranked',
          exclude: [],
          ranked: 3,
          scarce: 10,
        }),
      ).toEqual({ kind: 'claimed', hostId: ranked[1].id });
    } finally {
      await trx.rollback();
    }
  });

  it('locking: skips hosts other transactions hold, and says when every eligible host is held', async () => {
    const { knex, hosts, machine, id } = await oneMachine(5, 2);
    const [first, second] = rendezvousRank(
      identityKey(machine),
      hosts,
      identityKey,
    );
    const store = new ClaimStore(knex);

    const trx = await knex.transaction();
    try {
      await trx(HOSTS_TABLE).where({ id: first.id }).forUpdate();
      expect(
        await store.claim(id, { kind: 'skip_locked', exclude: [second.id] }),
      ).toEqual({ kind: 'none', eligibleLeft: true, next: [] });
      expect(
        await store.claim(id, { kind: 'skip_locked', exclude: [] }),
      ).toEqual({ kind: 'claimed', hostId: second.id });
    } finally {
      await trx.rollback();
    }
    const other = await insertMachine(knex, { ...machine, name: 'm-2' });
    expect(
      await store.claim(other, { kind: 'skip_locked', exclude: [] }),
    ).toEqual({ kind: 'claimed', hostId: first.id });
    const third = await insertMachine(knex, { ...machine, name: 'm-3' });
    expect(
      await store.claim(third, { kind: 'skip_locked', exclude: [] }),
    ).toEqual({ kind: 'none', eligibleLeft: false, next: [] });
  });
});
