import {
  coreServices,
  createBackendPlugin,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { readFileSync } from 'node:fs';
import { createRouter } from './api/router';
import { applyDatabaseMigrations } from './database/migrations';

/**
 * The Beskar7 backend plugin: bare-metal host inventory, claims and provisioning.
 *
 * @public
 */
export const beskar7Plugin = createBackendPlugin({
  pluginId: 'beskar7',
  register(env) {
    env.registerInit({
      deps: {
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
      },
      async init({ database, httpRouter }) {
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await applyDatabaseMigrations(knex);
        }
        const { version } = JSON.parse(
          readFileSync(
            resolvePackagePath(
              '@internal/backstage-plugin-beskar7-backend',
              'package.json',
            ),
            'utf8',
          ),
        );
        httpRouter.use(await createRouter({ knex, version }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
