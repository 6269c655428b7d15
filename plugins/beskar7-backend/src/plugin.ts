import {
  coreServices,
  createBackendPlugin,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { beskar7Permissions } from '@internal/backstage-plugin-beskar7-common';
import { readFileSync } from 'node:fs';
import { RouteGuard } from './api/guard';
import { createRouter } from './api/router';
import { createClaimCoordinator } from './claims';
import { readClaimsConfig } from './config/readClaimsConfig';
import { applyDatabaseMigrations } from './database/migrations';
import { MachineStore } from './database/MachineStore';
import { InventoryService } from './inventory/InventoryService';
import { MachineService } from './machines/MachineService';
import { createBeskar7Metrics } from './metrics';

const PACKAGE = '@internal/backstage-plugin-beskar7-backend';

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
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        lifecycle: coreServices.lifecycle,
      },
      async init(deps) {
        const { config, logger, database, httpRouter, lifecycle } = deps;
        const claimsConfig = readClaimsConfig(config);
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await applyDatabaseMigrations(knex);
        }
        deps.permissionsRegistry.addPermissions(beskar7Permissions);

        const metrics = createBeskar7Metrics();
        const claims = createClaimCoordinator({
          mode: claimsConfig.mode,
          leaderElection: claimsConfig.leaderElection,
          knex,
          metrics,
          logger,
        });
        await claims.start();
        lifecycle.addShutdownHook(() => claims.stop());

        const { version } = JSON.parse(
          readFileSync(resolvePackagePath(PACKAGE, 'package.json'), 'utf8'),
        );
        httpRouter.use(
          await createRouter({
            knex,
            version,
            guard: new RouteGuard(
              deps.httpAuth,
              deps.permissions,
              deps.auditor,
            ),
            inventory: new InventoryService(knex, claims),
            machines: new MachineService(new MachineStore(knex), claims),
            metrics: metrics.registry,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info(`Beskar7 started; claim coordination: ${claims.mode}`);
      },
    });
  },
});
