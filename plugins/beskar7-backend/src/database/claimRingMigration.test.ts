import { randomUUID } from 'node:crypto';
import { hostHash } from '../claims/rendezvous';
import {
  createTestDatabases,
  migrateUpTo,
} from '@beskar7/backend-testing/database';
import { HOSTS_TABLE, hostSpecToColumns } from './hostRows';
import { applyDatabaseMigrations } from './migrations';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const RING_MIGRATION = '20261206000000_claim_ring.js';

describe.each(databases.eachSupportedId())(
  'the claim ring migration on %p',
  databaseId => {
    it('places the hosts of an existing database on the ring', async () => {
      const knex = await databases.init(databaseId);
      await migrateUpTo(knex, RING_MIGRATION);
      // Hosts as a database from before the ring holds them (no hash written).
      const names = ['node-1', 'nœud-2', '节点-3', '😀-4'];
      await knex(HOSTS_TABLE).insert(names.map(row));
      await applyDatabaseMigrations(knex);
      const rows = await knex(HOSTS_TABLE).select('name', 'rendezvous_hash');
      expect(rows.map(r => [r.name, Number(r.rendezvous_hash)]).sort()).toEqual(
        names.map(name => [name, hostHash(`lab/${name}`)]).sort(),
      );
    });
  },
);

it('SQLite refuses a host written without its place on the ring (it cannot compute it)', async () => {
  const knex = await databases.init('SQLITE_3');
  await applyDatabaseMigrations(knex);
  const refused = await knex(HOSTS_TABLE)
    .insert(row('node-5', 5))
    .then(
      () => undefined,
      (error: Error) => error.message,
    );
  expect(refused).toMatch(/rendezvous_hash is required/);
});

/** A host row with the columns the table had before the ring (none of later migrations'). */
function row(name: string, index: number) {
  const now = new Date();
  const {
    vendor: _,
    ip_addresses: __,
    ...columns
  } = hostSpecToColumns({
    pool: 'p',
    labels: {},
    tags: [],
    hardware: { macAddresses: [] },
    bmc: {
      address: `https://bmc-${index}.test`,
      credentialsRef: 'c',
      insecureSkipVerify: false,
    },
  });
  return {
    id: randomUUID(),
    name,
    namespace: 'lab',
    ...columns,
    state: 'Available',
    version: 0,
    created_at: now,
    updated_at: now,
  };
}
