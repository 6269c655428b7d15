import {
  createReplicaDatabases,
  createTestDatabases,
  migrateUpTo,
} from '@beskar7/backend-testing/database';
import { applyDatabaseMigrations, MIGRATIONS_LOCK_TABLE } from './migrations';

jest.setTimeout(120_000);

const databases = createTestDatabases();

describe.each(
  databases.eachSupportedId().filter(([id]) => id.startsWith('POSTGRES')),
)('migrations from many replicas at once on %p', databaseId => {
  it('bring a fresh database up to date from every replica, leaving Knex one lock row', async () => {
    // Knex creates its lock row if it sees none: replicas that look together each insert one.
    for (let round = 0; round < 5; round++) {
      const replicas = await createReplicaDatabases(databases, databaseId, 8);
      try {
        await Promise.all(
          replicas.clients.map(knex =>
            applyDatabaseMigrations(knex, { waitMs: 20_000 }),
          ),
        );
        const [knex] = replicas.clients;
        expect(await knex(MIGRATIONS_LOCK_TABLE).select('is_locked')).toEqual([
          { is_locked: 0 },
        ]);
      } finally {
        await replicas.close();
      }
    }
  });

  it('repair a lock table an earlier race left with two rows', async () => {
    const knex = await databases.init(databaseId);
    // A migration still to run: Knex then needs its lock.
    await migrateUpTo(knex, '20261206320000_host_capabilities.js');
    await knex(MIGRATIONS_LOCK_TABLE).insert({ is_locked: 0 });
    await applyDatabaseMigrations(knex, { waitMs: 5_000 });
    expect(await knex(MIGRATIONS_LOCK_TABLE).select('is_locked')).toEqual([
      { is_locked: 0 },
    ]);
  });
});
