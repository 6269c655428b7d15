import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@beskar7/backstage-plugin-beskar7-backend',
  'migrations',
);

/** Brings the plugin's schema up to date; safe to run from every replica at once. */
export async function applyDatabaseMigrations(knex: Knex): Promise<void> {
  await knex.migrate.latest({
    directory: migrationsDir,
    tableName: 'beskar7_knex_migrations',
  });
}
