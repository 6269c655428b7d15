import { Config } from '@backstage/config';
import { knex, Knex } from 'knex';

/** One key for every replica of this backend: pg_advisory_lock(key). */
const STARTUP_LOCK_KEY = 7_007_070_707;

export interface StartupLockOptions {
  /** How long to wait for the replicas starting before this one (default 5 minutes). */
  waitMs?: number;
  log?: (message: string) => void;
}

/**
 * Runs `start` while holding a PostgreSQL advisory lock, so that replicas
 * started together start one after another. Backstage's own plugins
 * (catalog, auth, ...) run their Knex migrations at start-up and refuse to
 * start (`MigrationLocked`) when another replica holds a migration lock;
 * one at a time, every replica starts. A replica that dies while starting
 * lets go of the lock with its connection; one that hangs is waited for at
 * most `waitMs`, then the next starts anyway. Other databases (SQLite) have
 * one process: `start` runs as is.
 */
export async function withStartupLock<T>(
  config: Config,
  start: () => Promise<T>,
  options: StartupLockOptions = {},
): Promise<T> {
  if (config.getOptionalString('backend.database.client') !== 'pg') {
    return start();
  }
  const log = options.log ?? (() => {});
  // One connection: an advisory lock belongs to the session that took it.
  const db = knex({
    client: 'pg',
    connection: connectionOf(config),
    pool: { min: 1, max: 1 },
  });
  try {
    const waited = await acquire(db, options.waitMs ?? 300_000, log);
    if (waited > 0) {
      log(`Waited ${waited} ms for replicas starting before this one`);
    }
    return await start();
  } finally {
    // Ending the session releases the lock, held or not.
    await db.destroy().catch(() => {});
  }
}

async function acquire(
  db: Knex,
  waitMs: number,
  log: (message: string) => void,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    const { rows } = await db.raw('SELECT pg_try_advisory_lock(?) AS locked', [
      STARTUP_LOCK_KEY,
    ]);
    if (rows[0].locked) return Date.now() - started;
    if (Date.now() - started > waitMs) {
      log(
        `Another replica has been starting for over ${Math.round(
          waitMs / 1000,
        )} s; starting anyway`,
      );
      return Date.now() - started;
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}

/** The connection Backstage's database service makes, to the server's default database. */
function connectionOf(config: Config): Knex.StaticConnectionConfig | string {
  const connection = config.get('backend.database.connection') as
    | string
    | Knex.PgConnectionConfig;
  if (typeof connection === 'string') return connection;
  // Plugins may each have a database of their own; an advisory lock is
  // shared within one database, so every replica takes it in the same one.
  return { ...connection, database: connection.database ?? 'postgres' };
}
