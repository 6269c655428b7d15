import {
  coreServices,
  createBackendPlugin,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { beskar7Permissions } from '@beskar7/backstage-plugin-beskar7-common';
import {
  Beskar7RunbookProcedure,
  beskar7RunbooksExtensionPoint,
  beskar7VendorsExtensionPoint,
  VendorQuirks,
} from '@beskar7/backstage-plugin-beskar7-node';
import { readFileSync } from 'node:fs';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { registerActions } from './actions/registerActions';
import { createRouter } from './api/router';
import { Authorizer } from './authorization';
import { LeaderClaimCoordinator, resolveLeaderElectionTiming } from './claims';
import { ClusterObjectReader, ClusterService } from './clusters';
import { DiagnosticsService } from './diagnostics';
import { DatabaseFleetFacts } from './diagnostics/DatabaseFleetFacts';
import { HostStore } from './database/HostStore';
import { applyDatabaseMigrations } from './database/migrations';
import { MachineStore } from './database/MachineStore';
import { readBmcAddressPolicy } from './config/readInventoryConfig';
import { InventoryService } from './inventory/InventoryService';
import { registerSimulatedFleet } from './inventory/registerSimulatedFleet';
import { simulatedFleetFromConfig } from './inventory/simulatedFleetFromConfig';
import { MachineService } from './machines/MachineService';
import {
  METRICS_SAMPLE_INTERVAL_MS,
  MetricsHistory,
} from './metrics/MetricsHistory';
import { metricsReader } from './metrics/readMetrics';
import { createKubernetesIntegration } from './kubernetes';
import { poolMax, poolShortfall } from './database/connectionPool';
import { createReplicaServices } from './replicaServices';
import { PROCEDURES, RunbookEngine, withContributed } from './runbooks';
import { ServiceRunbookActions } from './runbooks/ServiceRunbookActions';

const PACKAGE = '@beskar7/backstage-plugin-beskar7-backend';

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
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        lifecycle: coreServices.lifecycle,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const { config, logger, database, httpRouter, lifecycle } = deps;
        // Before any other work, so that a bad allowlist stops start-up at once.
        const bmcAddresses = readBmcAddressPolicy(config);
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await applyDatabaseMigrations(knex);
        }
        deps.permissionsRegistry.addPermissions(beskar7Permissions);

        // Invalid settings stop the backend here, naming the key. The
        // Kubernetes side comes first: the claim engine needs its Lease gate.
        const kubernetes = createKubernetesIntegration({ config, logger });
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
        });
        const {
          claimsConfig,
          provisioningConfig,
          metrics,
          queueMetrics,
          configCredentials,
          provisioners,
          claims,
          queue,
          reconcilers,
          heartbeat,
        } = replica;

        const notifyMachine = (id: string) =>
          void reconcilers
            .notifyMachine(id)
            .catch(error =>
              logger.warn(`Reconciling machine ${id} failed: ${error}`),
            );
        const notifyHost = (id: string) =>
          void reconcilers
            .notifyHost(id)
            .catch(error =>
              logger.warn(`Reconciling host ${id} failed: ${error}`),
            );
        if (config.getOptionalBoolean('beskar7.simulator.enabled')) {
          const fleet = await simulatedFleetFromConfig(config);
          if (fleet.stop) lifecycle.addShutdownHook(fleet.stop);
          const hosts = await registerSimulatedFleet(
            fleet,
            new HostStore(knex),
            configCredentials,
            config.getOptionalString('beskar7.simulator.pool') ?? 'default',
          );
          logger.info(`Simulated fleet of ${hosts.length} BMCs registered`);
        }

        const facts = new DatabaseFleetFacts({
          knex,
          metrics,
          queueMetrics,
          queueStatus: () => queue.status(),
          replicas: () => heartbeat.live(),
          mode: claims.mode,
        });
        const diagnostics = new DiagnosticsService(facts);
        const metricsHistory = new MetricsHistory(
          metricsReader({
            metrics,
            queueMetrics,
            queueStatus: () => queue.status(),
          }),
        );
        // Each replica keeps the history of its own measurements.
        await deps.scheduler.scheduleTask({
          id: 'beskar7-metrics-history',
          scope: 'local',
          frequency: { milliseconds: METRICS_SAMPLE_INTERVAL_MS },
          timeout: { milliseconds: METRICS_SAMPLE_INTERVAL_MS },
          fn: () => metricsHistory.sample(),
        });
        const clusters =
          kubernetes &&
          new ClusterService({
            objects: new ClusterObjectReader(
              kubernetes.apiAccess.kubeConfig,
              kubernetes.apiAccess.namespace,
            ),
            hosts: new MachineStore(knex),
          });
        const inventory = new InventoryService({
          knex,
          clusters,
          claims,
          onChange: notifyHost,
          bmcAddresses,
          credentials: replica.credentialGate,
          systems: (target, signal) =>
            replica.executor.identifiedSystemsOf(target, signal),
        });
        const runbooks = new RunbookEngine({
          knex,
          logger,
          facts,
          procedures: withContributed(PROCEDURES, contributedProcedures),
          diagnose: () => diagnostics.report(),
          auditor: deps.auditor,
          actions: new ServiceRunbookActions({
            knex,
            config,
            queue,
            inventory,
            credentials: replica.credentialGate,
            circuits: () => provisioners.circuitStatuses(),
            circuitOf: address => provisioners.circuitStatus(address),
            systemsOf: (host, signal) =>
              replica.executor.systemsOf(host, signal),
            coordination: {
              mode: claims.mode,
              leaderElection:
                claims.mode === 'leader'
                  ? resolveLeaderElectionTiming(claimsConfig.leaderElection)
                  : undefined,
            },
          }),
        });

        await replica.start();
        lifecycle.addStartupHook(() => reconcilers.start());
        lifecycle.addShutdownHook(() => replica.stop());

        const { version } = JSON.parse(
          readFileSync(resolvePackagePath(PACKAGE, 'package.json'), 'utf8'),
        );
        const authorizer = new Authorizer(
          deps.httpAuth,
          deps.permissions,
          deps.auditor,
        );
        const machines = new MachineService(
          new MachineStore(knex),
          claims,
          notifyMachine,
        );
        kubernetes?.connect({
          replicaId: replica.replicaId,
          metrics,
          timing: resolveLeaderElectionTiming(claimsConfig.leaderElection),
          hosts: new HostStore(knex),
          machines: new MachineStore(knex),
          inventory,
          machineService: machines,
          // Without a Lease, the claim leader acts, or every replica.
          isActive: () =>
            !(claims instanceof LeaderClaimCoordinator) || claims.isLeader,
        });
        if (kubernetes) {
          lifecycle.addStartupHook(() => kubernetes.start());
          lifecycle.addShutdownHook(() => kubernetes.stop());
        }
        registerActions({
          actionsRegistry: deps.actionsRegistry,
          authorizer,
          diagnostics,
          machines,
        });
        httpRouter.use(
          await createRouter({
            knex,
            version,
            authorizer,
            inventory,
            machines,
            queue,
            diagnostics,
            runbooks,
            metrics: metrics.registry,
            clusters,
            kubernetesHealth: () => kubernetes?.health(),
            metricsHistory,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
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
