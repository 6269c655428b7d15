import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReplicaPools, ReplicaPools } from './replicaPools';

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

/** Replica pools on a fresh test database; see openReplicaPools. */
export type ReplicaDatabases = ReplicaPools;

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
    const pools = openReplicaPools(
      { sqliteFile: join(dir, 'db.sqlite') },
      count,
    );
    return {
      ...pools,
      async close() {
        await pools.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  // TestDatabases creates the database; the replicas get pools of their own on it.
  const created = await databases.init(id);
  return openReplicaPools(
    { postgres: created.client.config.connection },
    count,
    poolSize,
  );
}
