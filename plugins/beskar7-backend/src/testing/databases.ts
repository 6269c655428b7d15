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
  /**
   * Cuts replica `index` off the database at once, as if its process died:
   * open connections are dropped (the database rolls back their
   * transactions) and no new one can be made. Nothing is cleaned up.
   */
  kill(index: number): void;
  close(): Promise<void>;
}

type Done = (err?: Error) => void;

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
  const connections = Array.from({ length: count }, () => new Set<any>());
  const killed = new Set<number>();
  // Tracks each replica's raw connections, so that kill() can drop them.
  const track = (index: number) => (conn: any, done: Done) => {
    if (killed.has(index)) {
      done(new Error(`replica ${index} was killed`));
      return;
    }
    connections[index].add(conn);
    done();
  };
  // A killed replica's failed reconnects are expected; keep them out of the test log.
  const log = (index: number) => {
    const warn = (message: string) => {
      if (!killed.has(index)) console.warn(message);
    };
    return { warn, error: warn, deprecate: warn, debug: () => {} };
  };

  if (id === 'SQLITE_3') {
    const dir = mkdtempSync(join(tmpdir(), 'beskar7-sqlite-'));
    const filename = join(dir, 'db.sqlite');
    const clients = Array.from({ length: count }, (_, index) =>
      createKnex({
        client: 'better-sqlite3',
        connection: { filename },
        useNullAsDefault: true,
        log: log(index),
        pool: {
          min: 1,
          max: 1,
          afterCreate: (conn: any, done: Done) => {
            conn.pragma('journal_mode = WAL');
            // No busy wait: better-sqlite3 waits synchronously, which would
            // freeze every replica of this process, the lock holder included.
            // The claim code retries SQLITE_BUSY itself, asynchronously.
            conn.pragma('busy_timeout = 0');
            conn.pragma('foreign_keys = ON');
            track(index)(conn, done);
          },
        },
      }),
    );
    return {
      clients,
      kill(index) {
        killed.add(index);
        for (const conn of connections[index]) conn.close();
      },
      async close() {
        await Promise.all(clients.map(c => c.destroy()));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }

  // TestDatabases creates the database; the replicas get pools of their own on it.
  const created = await databases.init(id);
  const { client, connection } = created.client.config;
  const clients = Array.from({ length: count }, (_, index) =>
    createKnex({
      client,
      connection: {
        ...connection,
        application_name: `beskar7-replica-${index}`,
      },
      log: log(index),
      pool: { min: 0, max: poolSize, afterCreate: track(index) },
    }),
  );
  return {
    clients,
    kill(index) {
      killed.add(index);
      // Closing the socket is what the database sees when a process dies.
      for (const conn of connections[index]) conn.connection.stream.destroy();
    },
    async close() {
      await Promise.all(clients.map(c => c.destroy()));
    },
  };
}
