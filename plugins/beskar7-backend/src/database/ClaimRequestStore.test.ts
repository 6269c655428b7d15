import { createTestDatabases } from '@beskar7/backend-testing/database';
import { insertPendingMachines } from '@beskar7/backend-testing/fleet';
import { ClaimRequestStore } from './ClaimRequestStore';
import { applyDatabaseMigrations } from './migrations';

const databases = createTestDatabases();

describe('ClaimRequestStore.enqueue', () => {
  it.each(databases.eachSupportedId())(
    'queues a request only for a machine waiting for a host, once, and asks an answered one again, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const [waiting, failed] = await insertPendingMachines(knex, {
        count: 2,
      });
      await knex('beskar7_machines')
        .where({ id: failed.id })
        .update({ phase: 'Failed' });
      const store = new ClaimRequestStore(knex);
      const requests = () =>
        knex('beskar7_claim_requests')
          .select('machine_id', 'requested_by', 'outcome')
          .orderBy('machine_id');

      expect(await store.enqueue(waiting.id, 'replica-a')).toEqual({
        phase: 'Pending',
        hostId: undefined,
      });
      // A pending request keeps its place and its requester.
      await store.enqueue(waiting.id, 'replica-b');
      expect(await requests()).toEqual([
        { machine_id: waiting.id, requested_by: 'replica-a', outcome: null },
      ]);

      expect(await store.enqueue(failed.id, 'replica-a')).toEqual({
        phase: 'Failed',
        hostId: undefined,
      });
      expect(await store.enqueue('no-such-machine', 'replica-a')).toBe(
        undefined,
      );
      expect(await requests()).toHaveLength(1);

      // An answered request (no host fitted) is asked again.
      await knex.transaction(trx => store.markNoHosts(trx, [waiting.id]));
      await store.enqueue(waiting.id, 'replica-b');
      expect(await requests()).toEqual([
        { machine_id: waiting.id, requested_by: 'replica-b', outcome: null },
      ]);
    },
  );

  it('commits a request without waiting for the WAL flush, on PostgreSQL', async () => {
    if (!databases.supports('POSTGRES_15')) return;
    const knex = await databases.init('POSTGRES_15');
    await applyDatabaseMigrations(knex);
    const [machine] = await insertPendingMachines(knex, { count: 1 });
    const synchronousCommit = async () =>
      (await knex.raw('SHOW synchronous_commit')).rows[0].synchronous_commit;
    const configured = await synchronousCommit();
    const setting = await knex.transaction(async trx => {
      await new ClaimRequestStore(trx).enqueue(machine.id, 'replica-a');
      return (await trx.raw('SHOW synchronous_commit')).rows[0]
        .synchronous_commit;
    });
    expect(setting).toBe('off');
    // Only the request's own transaction: other work keeps the server's setting.
    await new ClaimRequestStore(knex).enqueue(machine.id, 'replica-a');
    expect(await synchronousCommit()).toBe(configured);
  });

  it.each(databases.eachSupportedId())(
    "queues several machines' requests at once, each as enqueue would, a machine named twice once, %p",
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const [a, b, claimed, answered] = await insertPendingMachines(knex, {
        count: 4,
      });
      await knex('beskar7_machines')
        .where({ id: claimed.id })
        .update({ phase: 'Claimed' });
      const store = new ClaimRequestStore(knex);
      await store.enqueue(answered.id, 'replica-a');
      await knex.transaction(trx => store.markNoHosts(trx, [answered.id]));

      const states = await store.enqueueAll(
        [a.id, 'no-such-machine', claimed.id, b.id, a.id, answered.id],
        'replica-b',
      );
      expect(Object.fromEntries(states)).toEqual({
        [a.id]: { phase: 'Pending', hostId: undefined },
        [b.id]: { phase: 'Pending', hostId: undefined },
        [claimed.id]: { phase: 'Claimed', hostId: undefined },
        [answered.id]: { phase: 'Pending', hostId: undefined },
      });
      expect(
        await knex('beskar7_claim_requests')
          .select('machine_id', 'requested_by', 'outcome')
          .orderBy('machine_id'),
      ).toEqual(
        [a.id, answered.id, b.id].sort().map(id => ({
          machine_id: id,
          requested_by: 'replica-b',
          outcome: null,
        })),
      );
    },
  );
});
