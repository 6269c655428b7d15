import { Knex } from 'knex';
import {
  createTestDatabases,
  DATABASE_IDS,
} from '@beskar7/backend-testing/database';
import { LeaseStore } from './LeaseStore';
import { applyDatabaseMigrations } from './migrations';

const databases = createTestDatabases();

describe.each(DATABASE_IDS)('LeaseStore on %s', databaseId => {
  let knex: Knex;

  beforeEach(async () => {
    knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
  });

  it('frees every held lease and keeps the fencing tokens rising', async () => {
    const leases = new LeaseStore(knex);
    const old = await leases.tryAcquire('coordinator', 'replica-a', 60_000);
    await leases.tryAcquire('pool-lab', 'replica-a', 60_000);
    expect(old).toBe(1);

    expect((await leases.releaseAll()).sort()).toEqual([
      'coordinator',
      'pool-lab',
    ]);
    expect(await leases.releaseAll()).toEqual([]);

    // A new holder gets a token no earlier holder had.
    const fresh = await leases.tryAcquire('coordinator', 'replica-b', 60_000);
    expect(fresh).toBe(old! + 1);
    // The old holder re-acquiring gets a newer one still: its old token stays fenced off.
    await leases.releaseAll();
    const again = await leases.tryAcquire('coordinator', 'replica-a', 60_000);
    expect(again).toBe(old! + 2);
    const fenced = await knex.transaction(trx =>
      leases.fence(trx, 'coordinator', 'replica-a', old!),
    );
    expect(fenced).toBe(false);
  });
});
