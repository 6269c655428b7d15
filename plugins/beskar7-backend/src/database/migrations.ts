import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { setTimeout as sleep } from 'node:timers/promises';
import { isUniqueViolation } from './errors';

export const migrationsDir = resolvePackagePath(
  '@beskar7/backstage-plugin-beskar7-backend',
  'migrations',
);

export const MIGRATIONS_TABLE = 'beskar7_knex_migrations';

/**
 * Brings the plugin's schema up to date; safe to run from every replica at
 * once. Knex does not wait for another replica's migration lock (nor for
 * the first replica creating the migration tables), so this does: it tries
 * again for up to `waitMs`, then fails with Knex's reason.
 */
export async function applyDatabaseMigrations(
  knex: Knex,
  { waitMs = 60_000 }: { waitMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + waitMs;
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
