import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { setTimeout as sleep } from 'node:timers/promises';
import { isPostgres } from './dialect';
import { isUniqueViolation } from './errors';

export const migrationsDir = resolvePackagePath(
  '@beskar7/backstage-plugin-beskar7-backend',
  'migrations',
);

export const MIGRATIONS_TABLE = 'beskar7_knex_migrations';
/** Knex's own lock table beside it. */
export const MIGRATIONS_LOCK_TABLE = `${MIGRATIONS_TABLE}_lock`;

/**
 * Brings the plugin's schema up to date; safe to run from every replica at
 * once. Knex does not wait for another replica's migration lock (nor for
 * the first replica creating the migration tables), so this does: it tries
 * again for up to `waitMs`, then fails with Knex's reason.
 *
 * On PostgreSQL the replicas also take turns on an advisory lock: Knex's
 * own lock is a row it inserts when it sees none, and replicas that look
 * at once each insert one, after which no replica can ever take it.
 */
export async function applyDatabaseMigrations(
  knex: Knex,
  { waitMs = 60_000 }: { waitMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + waitMs;
  if (!isPostgres(knex)) {
    await migrateLatest(knex, deadline);
    return;
  }
  // A connection of its own, outside the pool, which may hold only one.
  const turn = await knex.client.acquireRawConnection();
  try {
    await turn.query(`SET lock_timeout = ${Math.ceil(waitMs)}`);
    await turn.query('SELECT pg_advisory_lock(hashtext($1))', [
      MIGRATIONS_TABLE,
    ]);
    await keepOneLockRow(knex);
    await migrateLatest(knex, deadline);
  } finally {
    // Closing the session ends the turn.
    await knex.client.destroyRawConnection(turn);
  }
}

/** Knex's migrations, tried again while another replica holds its lock, until `deadline`. */
async function migrateLatest(knex: Knex, deadline: number): Promise<void> {
  for (;;) {
    try {
      await knex.migrate.latest({
        directory: migrationsDir,
        tableName: MIGRATIONS_TABLE,
      });
      return;
    } catch (error) {
      if (!isConcurrentMigration(error) || Date.now() > deadline) throw error;
      await sleep(200 + Math.random() * 300);
    }
  }
}

/**
 * Removes the extra lock rows an earlier race left (by a version without
 * the advisory lock); a row that is held is the one kept.
 */
async function keepOneLockRow(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable(MIGRATIONS_LOCK_TABLE))) return;
  await knex(MIGRATIONS_LOCK_TABLE)
    .whereNot(
      'index',
      knex(MIGRATIONS_LOCK_TABLE)
        .select('index')
        .orderBy([
          { column: 'is_locked', order: 'desc' },
          { column: 'index', order: 'asc' },
        ])
        .limit(1),
    )
    .delete();
}

/** Another replica holds the migration lock, or created the migration tables under us. */
function isConcurrentMigration(error: unknown): boolean {
  const { name, code } = (error ?? {}) as { name?: string; code?: string };
  return (
    name === 'MigrationLocked' ||
    isUniqueViolation(error) ||
    code === '42P07' ||
    /already exists/.test(String((error as Error)?.message))
  );
}
