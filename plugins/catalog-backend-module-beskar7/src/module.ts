import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { durationToMilliseconds } from '@backstage/types';
import { beskar7ServiceRef } from '@beskar7/backstage-plugin-beskar7-node';
import { Beskar7ClusterEntityProvider } from './Beskar7ClusterEntityProvider';
import { Beskar7EntityProvider } from './Beskar7EntityProvider';
import { Beskar7TemplateProvider } from './Beskar7TemplateProvider';
import { warnUnlessStarted } from './startupWatch';

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 10 },
  timeout: { minutes: 3 },
};

/**
 * Publishes the beskar7 fleet to the catalog: pools as `host-pool`, hosts
 * as `physical-host` and Cluster API clusters on them as
 * `kubernetes-cluster` resources, and the `request-bare-metal` and
 * `bare-metal-kubernetes-cluster` scaffolder templates. Reads `beskar7.catalog.owner`, `beskar7.catalog.schedule`,
 * `beskar7.catalog.watchInterval`, `beskar7.catalog.template` and
 * `beskar7.catalog.startupTimeout`.
 *
 * @public
 */
export const catalogModuleBeskar7 = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'beskar7',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        beskar7: beskar7ServiceRef,
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        lifecycle: coreServices.rootLifecycle,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({
        catalog,
        beskar7,
        auth,
        config,
        discovery,
        lifecycle,
        logger,
        scheduler,
      }) {
        const settings = config.getOptionalConfig('beskar7.catalog');
        const owner =
          settings?.getOptionalString('owner') ?? 'group:default/guests';
        const schedule = settings?.has('schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              settings.getConfig('schedule'),
            )
          : DEFAULT_SCHEDULE;
        const watchIntervalMs = settings?.has('watchInterval')
          ? durationToMilliseconds(
              readDurationFromConfig(settings, { key: 'watchInterval' }),
            )
          : 30_000;
        const startupTimeoutMs = settings?.has('startupTimeout')
          ? durationToMilliseconds(
              readDurationFromConfig(settings, { key: 'startupTimeout' }),
            )
          : 60_000;

        const context = async () => ({
          owner,
          apiUrl: await discovery.getExternalBaseUrl('beskar7'),
        });
        catalog.addEntityProvider(
          new Beskar7EntityProvider({
            beskar7,
            auth,
            logger,
            taskRunner: scheduler.createScheduledTaskRunner(schedule),
            watchIntervalMs,
            context,
          }),
        );
        catalog.addEntityProvider(
          new Beskar7ClusterEntityProvider({
            beskar7,
            auth,
            logger,
            taskRunner: scheduler.createScheduledTaskRunner(schedule),
            context,
          }),
        );
        if (settings?.getOptionalBoolean('template') ?? true) {
          catalog.addEntityProvider(new Beskar7TemplateProvider({ owner }));
        }
        warnUnlessStarted({ lifecycle, logger, timeoutMs: startupTimeoutMs });
      },
    });
  },
});
