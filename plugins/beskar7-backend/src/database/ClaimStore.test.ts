import { matchesRequirements } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { machinePoint, rendezvousWeight } from '../claims/rendezvous';
import { RING_WINDOW, ringDistance, ringRank } from '../claims/ring';
import { identityKey } from '../claims/selection';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import {
  insertHosts,
  insertMachine,
  name,
  random,
  randomHost,
  randomNeeds,
  randomRequirements,
  withCapabilities,
  TestHost,
} from '@beskar7/backend-testing/fleet';
import {
  ClaimStore,
  ELIGIBLE_SQL,
  HostChoice,
  MACHINE_SQL,
  EXCLUDED_SQL,
  NEAR_WINDOW_SQL,
  WINDOW_SQL,
  writeClaimBatch,
} from './ClaimStore';
import { CLAIM_REQUESTS_TABLE, ClaimRequestStore } from './ClaimRequestStore';
import { CLAIM_ANSWERED_CHANNEL } from './ClaimSignals';
import { HOST_EVENTS_TABLE } from './HostEventStore';
import { LeaseStore } from './LeaseStore';
import { HOSTS_TABLE } from './hostRows';
import { MACHINES_TABLE } from './machineRows';
import { applyDatabaseMigrations } from './migrations';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** The statement's own filter, read without writing. */
async function eligibleInDatabase(knex: Knex, machineId: string) {
  const { rows } = await knex.raw(
    `WITH ${MACHINE_SQL} SELECT h.id FROM ${HOSTS_TABLE} h, m WHERE ${ELIGIBLE_SQL}`,
    [machineId],
  );
  return rows.map((r: { id: string }) => r.id);
}

/** The statement's window, by weight, read without writing. */
async function windowInDatabase(knex: Knex, machineId: string) {
  const { rows } = await knex.raw(
    `WITH ${MACHINE_SQL}, ${EXCLUDED_SQL}, ${WINDOW_SQL}
     SELECT id FROM win ORDER BY weight DESC, namespace, name`,
    [machineId, []],
  );
  return rows.map((r: { id: string }) => r.id);
}

/** The machine's window (ring.ts) by weight, best first: what an optimistic claim tries in turn. */
function windowByWeight<T extends TestHost>(
  machine: { namespace: string; name: string },
  hosts: T[],
): T[] {
  const key = identityKey(machine);
  const point = machinePoint(key);
  return [...hosts]
    .sort((a, b) => ringDistance(point, a.hash) - ringDistance(point, b.hash))
    .slice(0, RING_WINDOW)
    .sort(
      (a, b) => rendezvousWeight(key, b.hash) - rendezvousWeight(key, a.hash),
    );
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

  /** `count` random hosts, capabilities included, and the generator that made them. */
  async function randomFleet(seed: number, count: number) {
    const knex = await migrated();
    const rng = random(seed);
    const hosts = withCapabilities(
      rng,
      Array.from({ length: count }, (_, i) => randomHost(rng, i)),
    );
    await insertHosts(knex, hosts);
    return { knex, rng, hosts };
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

  it('walks the ring as ring.ts does, names of any script included', async () => {
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
    // The database's hash of every host is ring.ts's.
    const stored = await knex(HOSTS_TABLE).select('id', 'rendezvous_hash');
    expect(
      Object.fromEntries(stored.map(r => [r.id, Number(r.rendezvous_hash)])),
    ).toEqual(Object.fromEntries(hosts.map(h => [h.id, h.hash])));
    for (let i = 0; i < 40; i++) {
      const machine = {
        namespace: rng.pick(['default', 'ns-😀']),
        name: `${name(rng)}-${i}`,
        requirements: i % 2 ? { pool: 'p1' } : {},
      };
      const id = await insertMachine(knex, machine);
      const expected = windowByWeight(machine, hosts).map(h => h.id);
      expect(expected[0]).toBe(ringRank(identityKey(machine), hosts)[0].id);
      expect(await windowInDatabase(knex, id)).toEqual(expected);
    }
  });

  it('filters hosts as matchesRequirements does', async () => {
    const { knex, rng, hosts } = await randomFleet(7, 80);
    // Hosts asked to leave the inventory are never claimed.
    const leaving = new Set(hosts.slice(0, 5).map(h => h.id));
    await knex(HOSTS_TABLE)
      .whereIn('id', [...leaving])
      .update({ removal_requested_at: new Date() });
    let nonEmpty = 0;
    for (let i = 0; i < 150; i++) {
      const requirements = randomRequirements(rng);
      const needs = randomNeeds(rng);
      const id = await insertMachine(knex, {
        namespace: 'default',
        name: `m-${i}`,
        requirements,
        ...needs,
      });
      const expected = hosts
        .filter(
          h =>
            !leaving.has(h.id) && matchesRequirements(h, requirements, needs),
        )
        .map(h => h.id)
        .sort();
      if (expected.length > 0 && expected.length < hosts.length) nonEmpty++;
      expect({
        requirements,
        needs,
        eligible: (await eligibleInDatabase(knex, id)).sort(),
      }).toEqual({ requirements, needs, eligible: expected });
    }
    // The cases were not all trivially everything or nothing.
    expect(nonEmpty).toBeGreaterThan(50);
  });

  it('decides from the hosts just past the point as the whole walk would, and walks the whole ring only when those cannot decide', async () => {
    const { knex, rng, hosts } = await randomFleet(11, 120);
    // Which statements ran: the near one alone, or the whole walk after it.
    const walks: string[] = [];
    knex.on('query', (query: { sql: string }) => {
      if (query.sql.includes('claimed AS (')) {
        walks.push(query.sql.includes('whole AS (') ? 'near' : 'whole');
      }
    });
    const decidedBy = { near: 0, whole: 0 };
    for (let i = 0; i < 60; i++) {
      const requirements = i % 3 ? {} : randomRequirements(rng);
      const needs = randomNeeds(rng);
      const machine = { namespace: 'default', name: `m-${i}`, requirements };
      const id = await insertMachine(knex, { ...machine, ...needs });
      const eligible = hosts.filter(h =>
        matchesRequirements(h, requirements, needs),
      );
      const best = ringRank(identityKey(machine), eligible)[0];
      const choices: HostChoice[] = [
        { kind: 'ranked', exclude: [], ranked: 4, scarce: 0 },
        { kind: 'skip_locked', exclude: [] },
      ];
      for (const choice of choices) {
        walks.length = 0;
        // Rolled back: every claim of the loop sees the same fleet.
        const trx = await knex.transaction();
        const result = await new ClaimStore(trx).claim(id, choice);
        await trx.rollback();
        expect({ i, choice: choice.kind, result }).toEqual({
          i,
          choice: choice.kind,
          result: best
            ? { kind: 'claimed', hostId: best.id }
            : { kind: 'none', eligibleLeft: false, next: [] },
        });
        decidedBy[walks.length === 1 ? 'near' : 'whole']++;
      }
    }
    // Both ways were taken, the near one for most machines.
    expect(decidedBy.whole).toBeGreaterThan(5);
    expect(decidedBy.near).toBeGreaterThan(decidedBy.whole);
  });

  it('claims the best eligible host, host and machine and event in one statement', async () => {
    const knex = await migrated();
    const rng = random(3);
    const hosts = Array.from({ length: 30 }, (_, i) => randomHost(rng, i));
    await insertHosts(knex, hosts);
    const requirements = { pool: 'p1' };
    const machine = { namespace: 'default', name: 'm-1', requirements };
    const id = await insertMachine(knex, machine);
    const best = ringRank(
      identityKey(machine),
      hosts.filter(h => matchesRequirements(h, requirements)),
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

  it("writes a leader's batch in one fenced statement: the claims still open, the queue's bookkeeping, the answers", async () => {
    const knex = await migrated();
    const rng = random(5);
    const hosts = Array.from({ length: 3 }, (_, i) => randomHost(rng, i));
    await insertHosts(knex, hosts);
    const [m1, m2, m3, m4] = await Promise.all(
      ['m-1', 'm-2', 'm-3', 'm-4'].map(n =>
        insertMachine(knex, {
          namespace: 'default',
          name: n,
          requirements: {},
        }),
      ),
    );
    const requests = new ClaimRequestStore(knex);
    for (const id of [m1, m2, m3, m4]) await requests.enqueue(id, 'replica-1');
    // m4 is released after the leader read it: its host must not be written.
    await knex(MACHINES_TABLE).where({ id: m4 }).update({ phase: 'Released' });
    const leases = new LeaseStore(knex);
    const token = (await leases.tryAcquire('coordinator', 'leader', 60_000))!;
    const heard: string[] = [];
    const listener = await knex.client.acquireRawConnection();
    listener.on('notification', (n: { payload: string }) =>
      heard.push(n.payload),
    );
    await listener.query(`LISTEN ${CLAIM_ANSWERED_CHANNEL}`);
    const batch = {
      claims: [
        { machineId: m1, host: { id: hosts[0].id, version: 0 } },
        // Read at a version the host has moved past: not written.
        { machineId: m2, host: { id: hosts[1].id, version: 7 } },
        { machineId: m4, host: { id: hosts[2].id, version: 0 } },
      ],
      settled: [],
      noHosts: [m3],
    };
    try {
      // A deposed leader's batch writes nothing and tells nobody.
      expect(
        await writeClaimBatch(knex, {
          ...batch,
          fence: leases.fenceCte('coordinator', 'leader', token - 1),
        }),
      ).toEqual({ fenced: false, written: [] });
      expect(
        await writeClaimBatch(knex, {
          ...batch,
          fence: leases.fenceCte('coordinator', 'leader', token),
        }),
      ).toEqual({ fenced: true, written: [m1] });
      await eventually(
        () => heard,
        h => h.length > 0,
        { what: 'the batch notification' },
      );
      // The deposed batch's notification would have come first.
      expect(heard.map(h => JSON.parse(h))).toEqual([
        { [m1]: hosts[0].id, [m3]: null },
      ]);
    } finally {
      await knex.client.destroyRawConnection(listener);
    }
    const request = (id: string) =>
      knex(CLAIM_REQUESTS_TABLE).where({ machine_id: id }).first('outcome');
    expect(await request(m1)).toBeUndefined();
    expect(await request(m2)).toEqual({ outcome: null });
    expect(await request(m3)).toEqual({ outcome: 'no_hosts' });
    expect(await request(m4)).toEqual({ outcome: null });
    const host = (id: string) =>
      knex(HOSTS_TABLE).where({ id }).first('state', 'consumer_id');
    expect(await Promise.all(hosts.map(h => host(h.id)))).toEqual([
      { state: 'Claimed', consumer_id: m1 },
      { state: 'Available', consumer_id: null },
      { state: 'Available', consumer_id: null },
    ]);
    const machine = (id: string) =>
      knex(MACHINES_TABLE).where({ id }).first('phase', 'host_id');
    expect(await Promise.all([m1, m2, m4].map(machine))).toEqual([
      { phase: 'Claimed', host_id: hosts[0].id },
      { phase: 'Pending', host_id: null },
      { phase: 'Released', host_id: null },
    ]);
    expect(await knex(HOST_EVENTS_TABLE).select('host_id', 'message')).toEqual([
      { host_id: hosts[0].id, message: `claimed by machine ${m1}` },
    ]);
  });

  it('optimistic: a lost conditional write writes nothing and hands back the next candidates', async () => {
    const { knex, hosts, machine, id } = await oneMachine(4, 10);
    const ranked = windowByWeight(machine, hosts);
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
      scarce: 0,
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
    const ranked = windowByWeight(machine, hosts);
    const store = new ClaimStore(knex);

    const trx = await knex.transaction();
    try {
      await trx(HOSTS_TABLE).where({ id: ranked[0].id }).forUpdate();
      expect(
        await store.claim(id, {
          kind: 'ranked',
          exclude: [],
          ranked: 3,
          scarce: 1000,
        }),
      ).toEqual({ kind: 'claimed', hostId: ranked[1].id });
    } finally {
      await trx.rollback();
    }
  });

  /**
   * What one claimTogether should do, by ring.ts: each machine's window is
   * its first RING_WINDOW eligible hosts clockwise round the ring from its
   * point (none if fewer; these fleets are smaller than the near walk's
   * scan, so it sees them whole), its choice the best of it by weight that `held` does
   * not name (`excluded` hosts are not in the window at all); a host two
   * machines choose goes to the one it weighs most for.
   */
  function batchModel(
    machines: Array<{ id: string; key: string; eligible: TestHost[] }>,
    { held = [], excluded = [] }: { held?: string[]; excluded?: string[] } = {},
  ): Map<string, string> {
    const wanted = new Map<string, { machineId: string; weight: number }>();
    for (const machine of [...machines].sort((a, b) =>
      a.id < b.id ? -1 : 1,
    )) {
      const point = machinePoint(machine.key);
      const window = machine.eligible
        .filter(h => !excluded.includes(h.id))
        .sort(
          (a, b) => ringDistance(point, a.hash) - ringDistance(point, b.hash),
        )
        .slice(0, RING_WINDOW);
      if (window.length < RING_WINDOW) continue;
      const best = window
        .filter(h => !held.includes(h.id))
        .map(h => ({ host: h, weight: rendezvousWeight(machine.key, h.hash) }))
        .sort((a, b) => b.weight - a.weight)[0];
      if (!best) continue;
      const rival = wanted.get(best.host.id);
      if (!rival || rival.weight < best.weight) {
        wanted.set(best.host.id, {
          machineId: machine.id,
          weight: best.weight,
        });
      }
    }
    return new Map([...wanted].map(([hostId, w]) => [w.machineId, hostId]));
  }

  it('goes round the ring from the near walk only where nothing past its scan was left unread', async () => {
    const knex = await migrated();
    const rng = random(31);
    const fleet = Array.from({ length: 600 }, (_, i) => randomHost(rng, i));
    const gold = { selector: { matchLabels: { tier: 'gold' } } };
    let machine = { namespace: 'default', name: 'm-far', requirements: gold };
    const above = () =>
      fleet
        .filter(h => h.hash >= machinePoint(identityKey(machine)))
        .sort((a, b) => a.hash - b.hash);
    for (let i = 0; above().length < 266 || above().length > 500; i++) {
      machine = { ...machine, name: `m-far-${i}` };
    }
    // Past the point, 262 hosts the machine may not take (more than the
    // near walk scans), then 4 it may; from 0 on, the first 8 it may.
    const goldAbove = above().slice(262, 266);
    const goldBelow = fleet
      .filter(h => h.hash < machinePoint(identityKey(machine)))
      .sort((a, b) => a.hash - b.hash)
      .slice(0, 8);
    const hosts = fleet.map(h => ({
      ...h,
      labels: {
        tier: [...goldAbove, ...goldBelow].includes(h) ? 'gold' : 'other',
      },
    }));
    await insertHosts(knex, hosts);
    const id = await insertMachine(knex, machine);
    const window = windowByWeight(
      machine,
      hosts.filter(h => h.labels.tier === 'gold'),
    );
    expect(new Set(window.map(h => h.id))).toEqual(
      new Set([...goldAbove, ...goldBelow.slice(0, 4)].map(h => h.id)),
    );

    // The near walk cannot see that window whole: it leaves the choice.
    const { rows } = await knex.raw(
      `WITH ${MACHINE_SQL}, ${EXCLUDED_SQL}, ${NEAR_WINDOW_SQL}
       SELECT (SELECT yes FROM whole) AS whole`,
      [id, []],
    );
    expect(rows[0].whole).toBe(false);
    const store = new ClaimStore(knex);
    expect(await store.claimTogether([id], [])).toEqual(new Map());
    expect(
      await store.claim(id, {
        kind: 'ranked',
        exclude: [],
        ranked: 1,
        scarce: 0,
      }),
    ).toEqual({ kind: 'claimed', hostId: window[0].id });
  });

  it('claims for several machines in one statement as ring.ts has it, host and machine and event each', async () => {
    const { knex, rng, hosts } = await randomFleet(17, 160);
    const store = new ClaimStore(knex);
    let available = [...hosts];
    let claimedInAll = 0;
    let leftToOthers = 0;
    for (let group = 0; group < 15; group++) {
      const machines = [];
      for (let i = 0; i < 4; i++) {
        const requirements = i % 2 ? {} : randomRequirements(rng);
        const needs = randomNeeds(rng);
        const machine = {
          namespace: 'default',
          name: `m-${group}-${i}`,
          requirements,
        };
        const id = await insertMachine(knex, { ...machine, ...needs });
        machines.push({
          id,
          key: identityKey(machine),
          eligible: available.filter(h =>
            matchesRequirements(h, requirements, needs),
          ),
        });
      }
      const expected = batchModel(machines);
      const claimed = await store.claimTogether(
        machines.map(m => m.id),
        [],
      );
      expect({ group, claimed }).toEqual({ group, claimed: expected });
      for (const [machineId, hostId] of claimed) {
        expect(
          await knex(HOSTS_TABLE).where({ id: hostId }).first(),
        ).toMatchObject({ state: 'Claimed', consumer_id: machineId });
        expect(
          await knex(MACHINES_TABLE).where({ id: machineId }).first(),
        ).toMatchObject({ phase: 'Claimed', host_id: hostId });
        expect(
          await knex(HOST_EVENTS_TABLE).where({ host_id: hostId }),
        ).toMatchObject([{ from_state: 'Available', to_state: 'Claimed' }]);
      }
      // The rest are untouched, for the one-machine statements.
      for (const machine of machines.filter(m => !claimed.has(m.id))) {
        expect(
          await knex(MACHINES_TABLE).where({ id: machine.id }).first(),
        ).toMatchObject({ phase: 'Pending', host_id: null });
        leftToOthers++;
      }
      claimedInAll += claimed.size;
      const taken = new Set(claimed.values());
      available = available.filter(h => !taken.has(h.id));
    }
    // Both kinds of answer were seen.
    expect(claimedInAll).toBeGreaterThan(20);
    expect(leftToOthers).toBeGreaterThan(3);
    // A machine no longer Pending is left as it is.
    const [someone] = await knex(MACHINES_TABLE).where({ phase: 'Claimed' });
    expect(await store.claimTogether([someone.id], [])).toEqual(new Map());
  });

  it('claims together: a host two machines choose goes to the one it weighs most for; hosts others hold or the caller excludes are passed over', async () => {
    const knex = await migrated();
    const rng = random(23);
    const hosts = Array.from({ length: RING_WINDOW + 2 }, (_, i) => ({
      ...randomHost(rng, i),
      pool: 'p1',
    }));
    await insertHosts(knex, hosts);
    // Machines whose near window is all of these hosts, two of them with one choice.
    const lowest = Math.min(...hosts.map(h => h.hash));
    const byChoice = new Map<string, string[]>();
    for (let i = 0; byChoice.size < 100 && i < 20000; i++) {
      const key = identityKey({ namespace: 'default', name: `m-${i}` });
      if (machinePoint(key) > lowest) continue;
      const best = batchModel([{ id: key, key, eligible: hosts }]).get(key)!;
      byChoice.set(best, [...(byChoice.get(best) ?? []), `m-${i}`]);
    }
    const [, names] = [...byChoice].find(([, n]) => n.length >= 2)!;
    const machines = [];
    for (const machineName of names.slice(0, 2)) {
      const machine = {
        namespace: 'default',
        name: machineName,
        requirements: { pool: 'p1' },
      };
      machines.push({
        id: await insertMachine(knex, machine),
        key: identityKey(machine),
        eligible: hosts,
      });
    }
    const store = new ClaimStore(knex);
    const ids = machines.map(m => m.id);

    // Rolled back: each case below sees the same fleet.
    const claimWith = async (held: string[], exclude: string[]) => {
      const holder = await knex.transaction();
      const trx = await knex.transaction();
      try {
        await holder(HOSTS_TABLE).whereIn('id', held).forUpdate();
        return await new ClaimStore(trx).claimTogether(ids, exclude);
      } finally {
        await trx.rollback();
        await holder.rollback();
      }
    };
    const together = await claimWith([], []);
    expect(together.size).toBe(1);
    expect(together).toEqual(batchModel(machines));

    const [choice] = together.values();
    const passedOver = batchModel(machines, { held: [choice] });
    expect(passedOver.size).toBe(2);
    expect(await claimWith([choice], [])).toEqual(passedOver);
    const excluded = batchModel(machines, { excluded: [choice] });
    expect([...excluded.values()]).not.toContain(choice);
    expect(await claimWith([], [choice])).toEqual(excluded);

    // Committed: the loser's claim is its own to make, one machine at a time.
    expect(await store.claimTogether(ids, [])).toEqual(together);
    expect(await knex(HOSTS_TABLE).where({ state: 'Claimed' })).toHaveLength(1);
  });

  it('claims together: locks every machine before any host, so a batch waiting for a machine holds no host', async () => {
    const { knex, hosts, machine, id } = await oneMachine(29, 40);
    const ids = [
      id,
      await insertMachine(knex, { ...machine, name: 'm-2' }),
    ].sort();
    const holder = await knex.transaction();
    let batch: Promise<Map<string, string>> | undefined;
    try {
      // The batch locks the first machine, then waits for the second.
      await holder(MACHINES_TABLE).where({ id: ids[1] }).forUpdate();
      batch = new ClaimStore(knex).claimTogether(ids, []);
      await waitForLockWait(knex);
      const probe = await knex.transaction();
      try {
        const free = await probe(HOSTS_TABLE)
          .whereIn(
            'id',
            hosts.map(h => h.id),
          )
          .forUpdate()
          .noWait();
        expect(free).toHaveLength(hosts.length);
      } finally {
        await probe.rollback();
      }
    } finally {
      await holder.rollback();
    }
    expect([...(await batch!).keys()].sort()).toEqual(ids);
  });

  it('locking: skips hosts other transactions hold, and says when every eligible host is held', async () => {
    const { knex, hosts, machine, id } = await oneMachine(5, 2);
    const [first, second] = windowByWeight(machine, hosts);
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
