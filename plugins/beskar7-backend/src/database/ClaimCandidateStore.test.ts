import {
  Machine,
  matchesRequirements,
} from '@beskar7/backstage-plugin-beskar7-common';
import { machinePoint } from '../claims/rendezvous';
import { ringDistance, ringRank } from '../claims/ring';
import { identityKey } from '../claims/selection';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import {
  insertHosts,
  insertMachine,
  random,
  randomHost,
  randomNeeds,
  randomRequirements,
  withCapabilities,
} from '@beskar7/backend-testing/fleet';
import { ClaimCandidateStore } from './ClaimCandidateStore';
import { CLAIM_REQUESTS_TABLE, ClaimRequestStore } from './ClaimRequestStore';
import { MACHINES_TABLE } from './machineRows';
import { HOSTS_TABLE } from './hostRows';
import { MachineStore } from './MachineStore';
import { applyDatabaseMigrations } from './migrations';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'claim candidates on %p',
  databaseId => {
    it('walks the eligible hosts clockwise, filtered as matchesRequirements does', async () => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const rng = random(11);
      const hosts = withCapabilities(
        rng,
        Array.from({ length: 80 }, (_, i) => randomHost(rng, i)),
      );
      await insertHosts(knex, hosts);
      const leaving = new Set(hosts.slice(0, 5).map(h => h.id));
      await knex(HOSTS_TABLE)
        .whereIn('id', [...leaving])
        .update({ removal_requested_at: new Date() });
      const store = new ClaimCandidateStore(knex);
      let nonEmpty = 0;
      for (let i = 0; i < 150; i++) {
        const requirements = randomRequirements(rng);
        const needs = randomNeeds(rng);
        const point = Math.floor(rng.next() * 2 ** 32);
        const expected = hosts
          .filter(
            h =>
              !leaving.has(h.id) && matchesRequirements(h, requirements, needs),
          )
          .sort(
            (a, b) => ringDistance(point, a.hash) - ringDistance(point, b.hash),
          )
          .map(h => h.id);
        if (expected.length > 0 && expected.length < hosts.length) nonEmpty++;
        const machine = { requirements, ...needs };
        const walked = await store.walk(machine, point, { limit: 100 });
        expect({ machine, walked: walked.map(h => h.id) }).toEqual({
          machine,
          walked: expected,
        });
        // A short walk is the start of the long one.
        const short = await store.walk(machine, point, { limit: 3 });
        expect(short.map(h => h.id)).toEqual(expected.slice(0, 3));
      }
      expect(nonEmpty).toBeGreaterThan(50);
    });

    it("reads the oldest queued requests, each with its machine's window", async () => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const rng = random(12);
      const hosts = withCapabilities(
        rng,
        Array.from({ length: 60 }, (_, i) => randomHost(rng, i)),
      );
      await insertHosts(knex, hosts);
      const machines = new MachineStore(knex);
      const requests = new ClaimRequestStore(knex);
      const queued: Machine[] = [];
      for (let i = 0; i < 22; i++) {
        const requirements = i % 3 ? randomRequirements(rng) : {};
        const id = await insertMachine(knex, {
          namespace: 'default',
          name: `m-${i}`,
          requirements,
          ...randomNeeds(rng),
        });
        await requests.enqueue(id, 'replica-1');
        await knex(CLAIM_REQUESTS_TABLE)
          .where({ machine_id: id })
          .update({ created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, 22 - i)) });
        queued.push((await machines.get(id))!);
      }
      // Queued, then claimed another way: read, with no window.
      await knex(MACHINES_TABLE)
        .where({ id: queued[21].id })
        .update({ phase: 'Claimed', host_id: hosts[0].id });
      // Answered already: not pending.
      await requests.markNoHosts(knex, [queued[20].id]);

      const read = await new ClaimCandidateStore(knex).queuedWithWindows(20, 6);
      // Oldest first; the answered request is not pending; the newest is past the limit.
      const oldestFirst = [...queued]
        .reverse()
        .filter(m => m.id !== queued[20].id);
      expect(read.map(q => q.machine.id)).toEqual(
        oldestFirst.slice(0, 20).map(m => m.id),
      );
      const claimedAnotherWay = read.find(q => q.machine.id === queued[21].id);
      expect(claimedAnotherWay).toMatchObject({
        machine: { phase: 'Claimed', hostId: hosts[0].id },
        window: [],
      });
      for (const { machine: read1, window } of read) {
        if (read1.id === queued[21].id) continue;
        const machine = queued.find(m => m.id === read1.id)!;
        expect(read1).toMatchObject({
          namespace: machine.namespace,
          name: machine.name,
          phase: 'Pending',
        });
        const point = machinePoint(identityKey(machine));
        const eligible = hosts.filter(h =>
          matchesRequirements(h, machine.requirements, machine),
        );
        const expected = eligible
          .sort(
            (a, b) => ringDistance(point, a.hash) - ringDistance(point, b.hash),
          )
          .slice(0, 6);
        expect(window).toEqual(
          expected.map(h => ({
            id: h.id,
            namespace: h.namespace,
            name: h.name,
            version: 0,
            hash: h.hash,
          })),
        );
        // The window is enough to tell the machine's choice.
        expect(ringRank(identityKey(machine), window, 6)[0]?.id).toEqual(
          ringRank(identityKey(machine), eligible, 6)[0]?.id,
        );
      }
    });
  },
);
