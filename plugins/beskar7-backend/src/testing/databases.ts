import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Knex, knex as createKnex } from 'knex';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The databases every database test of this plugin runs on. */
export const DATABASE_IDS: TestDatabaseId[] = ['SQLITE_3', 'POSTGRES_15'];

const PG_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

/**
 * TestDatabases for SQLite and PostgreSQL. PostgreSQL comes from
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING; under CI a missing
 * PostgreSQL is an error, never a silent skip.
 */
export function createTestDatabases(): TestDatabases {
  const databases = TestDatabases.create({
    ids: DATABASE_IDS,
    disableDocker: true,
  });
  if (process.env.CI && !databases.supports('POSTGRES_15')) {
    throw new Error(
      `PostgreSQL tests cannot run: set ${PG_ENV} (CI must not skip them)`,
    );
  }
  return databases;
}

/** Several Knex instances, each with its own pool, on one database: simulated backend replicas. */
export interface ReplicaDatabases {
  clients: Knex[];
  close(): Promise<void>;
}

/**
 * Opens `count` independent connection pools on one fresh database. SQLite
 * uses a file (an in-memory database cannot be shared between pools).
 */
export async function createReplicaDatabases(
  databases: TestDatabases,
  id: TestDatabaseId,
  count: number,
  poolSize = 4,
): Promise<ReplicaDatabases> {
  if (id === 'SQLITE_3') {
    const dir = mkdtempSync(join(tmpdir(), 'beskar7-sqlite-'));
    const filename = join(dir, 'db.sqlite');
    const clients = Array.from({ length: count }, () =>
      createKnex({
        client: 'better-sqlite3',
        connection: { filename },
        useNullAsDefault: true,
        pool: {
          min: 1,
          max: 1,
          afterCreate: (conn: any, done: (err?: Error) => void) => {
            conn.pragma('journal_mode = WAL');
            conn.pragma('busy_timeout = 5000');
            done();
          },
        },
      }),
    );
    return {
      clients,
      async close() {
        await Promise.all(clients.map(c => c.destroy()));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const first = await databases.init(id);
  const connection = first.client.config.connection;
  const clients = [
    first,
    ...Array.from({ length: count - 1 }, () =>
      createKnex({
        client: first.client.config.client,
        connection,
        pool: { min: 0, max: poolSize },
      }),
    ),
  ];
  return {
    clients,
    async close() {
      await Promise.all(clients.slice(1).map(c => c.destroy()));
    },
  };
}
