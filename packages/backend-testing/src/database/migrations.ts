import { Knex } from 'knex';
import {
  migrationsDir,
  MIGRATIONS_TABLE,
} from '../../../../plugins/beskar7-backend/src/database/migrations';

/**
 * Applies every migration before `migration` (a file name in migrations/),
 * so that a test can write rows as a database from before it held them,
 * then run it and the rest with applyDatabaseMigrations.
 */
export async function migrateUpTo(
  knex: Knex,
  migration: string,
): Promise<void> {
  const config = { directory: migrationsDir, tableName: MIGRATIONS_TABLE };
  for (;;) {
    const [, pending] = await knex.migrate.list(config);
    if (!pending.length) throw new Error(`${migration} is not pending`);
    if (pending[0].file === migration) return;
    await knex.migrate.up(config);
  }
}
