import { knex as createKnex, Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ScratchDatabase {
  knex: Knex;
  /** What it is, for the drill's output. */
  description: string;
  /** Destroys the pool and drops the database (a kept one stays). */
  close(): Promise<void>;
  /** A kept database that already existed: filled by an earlier run. */
  reused?: boolean;
}

/**
 * A database of the drill's own: a new database on the PostgreSQL server at
 * `pgUrl`, or an SQLite file in a temporary directory (WAL, as the backend
 * runs it).
 */
export async function openScratchDatabase(
  client: 'postgres' | 'sqlite',
  pgUrl: string,
  poolSize = 10,
): Promise<ScratchDatabase> {
  if (client === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'beskar7-drill-'));
    const knex = createKnex({
      client: 'better-sqlite3',
      connection: { filename: join(dir, 'db.sqlite') },
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
    });
    return {
      knex,
      description: `SQLite file in ${dir}`,
      async close() {
        await knex.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const scratch = await createPostgresScratch(pgUrl);
  const knex = createKnex({
    client: 'pg',
    connection: scratch.url,
    pool: { min: 0, max: poolSize },
  });
  return {
    knex,
    description: `PostgreSQL database ${scratch.name}`,
    async close() {
      await knex.destroy();
      await scratch.drop();
    },
  };
}

/**
 * A new, empty database on the PostgreSQL server at `serverUrl`: its name,
 * its URL (for processes of their own), and the two ways to end: `drop` it,
 * or `release` the admin connection and keep it for inspection.
 */
export async function createPostgresScratch(serverUrl: string) {
  const name = `beskar7_drill_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = createKnex({ client: 'pg', connection: serverUrl });
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async release() {
      await admin.destroy();
    },
    async drop() {
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}

/**
 * A PostgreSQL database the drill keeps between runs (filling 100,000 hosts
 * takes a minute or more): created when missing, reused when there; never dropped
 * (`DROP DATABASE` it when done).
 */
export async function openKeptDatabase(
  serverUrl: string,
  name: string,
  poolSize = 10,
): Promise<ScratchDatabase> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(
      `--keep-database must be a lower-case identifier, got ${name}`,
    );
  }
  const admin = createKnex({ client: 'pg', connection: serverUrl });
  let reused: boolean;
  try {
    const { rows } = await admin.raw(
      'select 1 from pg_database where datname = ?',
      [name],
    );
    reused = rows.length > 0;
    if (!reused) await admin.raw(`CREATE DATABASE ${name}`);
  } finally {
    await admin.destroy();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const knex = createKnex({
    client: 'pg',
    connection: url.toString(),
    pool: { min: 0, max: poolSize },
  });
  return {
    knex,
    reused,
    description: `PostgreSQL database ${name} (kept)`,
    async close() {
      await knex.destroy();
    },
  };
}
