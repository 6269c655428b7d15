import { Knex, knex as createKnex } from 'knex';

/** Several Knex instances, each with its own pool, on one database: simulated backend replicas. */
export interface ReplicaPools {
  clients: Knex[];
  /**
   * Cuts replica `index` off the database at once, as if its process died:
   * open connections are dropped (the database rolls back their
   * transactions) and no new one can be made. Nothing is cleaned up.
   */
  kill(index: number): void;
  close(): Promise<void>;
}

/** The database the replicas share: an SQLite file, or a PostgreSQL database. */
export type ReplicaTarget =
  | { sqliteFile: string }
  | { postgres: Knex.PgConnectionConfig };

type Done = (err?: Error) => void;

/**
 * Opens `count` independent connection pools on one database, in this
 * process. SQLite pools hold one connection each (SQLite has one writer
 * anyway); PostgreSQL pools up to `poolSize`.
 */
export function openReplicaPools(
  target: ReplicaTarget,
  count: number,
  poolSize = 4,
): ReplicaPools {
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
  // A killed replica's failed reconnects are expected; keep them out of the log.
  const log = (index: number) => {
    const warn = (message: string) => {
      if (!killed.has(index)) console.warn(message);
    };
    return { warn, error: warn, deprecate: warn, debug: () => {} };
  };

  if ('sqliteFile' in target) {
    const clients = Array.from({ length: count }, (_, index) =>
      createKnex({
        client: 'better-sqlite3',
        connection: { filename: target.sqliteFile },
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
      close: () => Promise.all(clients.map(c => c.destroy())).then(() => {}),
    };
  }

  const clients = Array.from({ length: count }, (_, index) =>
    createKnex({
      client: 'pg',
      connection: {
        ...target.postgres,
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
    close: () => Promise.all(clients.map(c => c.destroy())).then(() => {}),
  };
}
