import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { beskar7Permissions } from '@beskar7/backstage-plugin-beskar7-common';
import {
  Beskar7RunbookProcedure,
  beskar7RunbooksExtensionPoint,
  beskar7VendorsExtensionPoint,
  VendorQuirks,
} from '@beskar7/backstage-plugin-beskar7-node';
import { readBmcAddressPolicy } from './config/readInventoryConfig';
import { poolMax, poolShortfall } from './database/connectionPool';
import { applyDatabaseMigrations } from './database/migrations';
import { createKubernetesIntegration } from './kubernetes';
import {
  BOOTSTRAP_PATH,
  createBootstrapDelivery,
  createBootstrapRouter,
} from './bootstrap';
import { createReplicaServices } from './replicaServices';
import { buildApi } from './service/api';
import { buildFleetServices } from './service/fleetServices';
import { buildFleetViews } from './service/fleetViews';
import { connectKubernetes } from './service/kubernetesWiring';
import { registerSimulatedFleetFromConfig } from './service/simulatedFleet';

/**
 * The Beskar7 backend plugin: bare-metal host inventory, claims and provisioning.
 *
 * @public
 */
export const beskar7Plugin = createBackendPlugin({
  pluginId: 'beskar7',
  register(env) {
    const vendors: VendorQuirks[] = [];
    env.registerExtensionPoint(beskar7VendorsExtensionPoint, {
      addVendor: quirks => vendors.push(quirks),
    });
    const contributedProcedures: Beskar7RunbookProcedure[] = [];
    env.registerExtensionPoint(beskar7RunbooksExtensionPoint, {
      addProcedure: procedure => contributedProcedures.push(procedure),
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        discovery: coreServices.discovery,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        lifecycle: coreServices.lifecycle,
        rootLifecycle: coreServices.rootLifecycle,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const { config, logger, lifecycle } = deps;
        // Before any other work, so that a bad allowlist stops start-up at once.
        const bmcAddresses = readBmcAddressPolicy(config);
        const knex = await deps.database.getClient();
        if (!deps.database.migrations?.skip) {
          await applyDatabaseMigrations(knex);
        }
        deps.permissionsRegistry.addPermissions(beskar7Permissions);

        // Invalid settings stop the backend here, naming the key. The
        // Kubernetes side comes first: the claim engine needs its Lease gate.
        const kubernetes = createKubernetesIntegration({ config, logger });
        const bootstrap =
          kubernetes &&
          (await createBootstrapDelivery({
            knex,
            source: kubernetes.bootstrapData(),
            settings: kubernetes.bootstrapSettings,
            discovery: deps.discovery,
          }));
        const replica = createReplicaServices({
          knex,
          config,
          logger,
          vendors,
          scheduler: deps.scheduler,
          credentials:
            kubernetes && (fromConfig => kubernetes.credentials(fromConfig)),
          leaderCandidate: kubernetes?.leaderCandidate,
          bmcAddresses,
          onClaimResult:
            kubernetes && (result => void kubernetes.claimObserved(result)),
          bootstrap,
        });
        await registerSimulatedFleetFromConfig({
          config,
          knex,
          logger,
          lifecycle,
          replica,
        });
        const views = await buildFleetViews({
          knex,
          replica,
          scheduler: deps.scheduler,
        });
        const services = buildFleetServices({
          knex,
          config,
          logger,
          auditor: deps.auditor,
          replica,
          views,
          kubernetes,
          bmcAddresses,
          contributedProcedures,
        });

        await replica.start();
        lifecycle.addStartupHook(async () => {
          await replica.reconcilers.start();
          await replica.power.start();
        });
        // Before the plugins' shutdown hooks: in development on in-memory
        // SQLite, the database's own hook keeps its only connection, and the
        // replica's last writes would wait for it until Knex times out.
        deps.rootLifecycle.addBeforeShutdownHook(() => replica.stop());
        connectKubernetes({ kubernetes, knex, lifecycle, replica, services });
        if (bootstrap) {
          // Hosts fetch their bootstrap data with its token, not a Backstage login.
          deps.httpRouter.use(
            createBootstrapRouter({ delivery: bootstrap, logger }),
          );
          deps.httpRouter.addAuthPolicy({
            path: BOOTSTRAP_PATH,
            allow: 'unauthenticated',
          });
        }
        await buildApi({ ...deps, knex, replica, views, services, kubernetes });

        const { claims, provisioningConfig } = replica;
        const shortfall = poolShortfall(
          poolMax(knex),
          provisioningConfig.workerCount,
        );
        if (shortfall) logger.warn(shortfall);
        logger.info(
          `Beskar7 started: claims ${claims.mode}, provisioning profile ${
            provisioningConfig.profile
          }, database pool max ${poolMax(knex)}`,
        );
      },
    });
  },
});
