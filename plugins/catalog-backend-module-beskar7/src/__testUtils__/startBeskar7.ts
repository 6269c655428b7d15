import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { BackendFeature } from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
// The tests run the real plugin; the module itself only talks to it over HTTP.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import beskar7Plugin from '@beskar7/backstage-plugin-beskar7-backend';

// Created when a test file loads: TestDatabases registers jest hooks.
const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

/**
 * Starts the real beskar7 backend plugin on SQLite with a simulated fleet of
 * `hosts` BMCs, fast provisioning, and the given features next to it.
 */
export async function startBeskar7(options: {
  hosts: number;
  features: BackendFeature[];
  extensionPoints?: Parameters<typeof startTestBackend>[0]['extensionPoints'];
  catalogConfig?: object;
  /** More `beskar7` settings (the Kubernetes side). */
  beskar7?: Record<string, unknown>;
}) {
  const knex = await databases.init('SQLITE_3');
  return startTestBackend({
    extensionPoints: options.extensionPoints,
    features: [
      beskar7Plugin,
      // The real scheduler: the plugin's reconcilers run on it.
      schedulerServiceFactory,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          beskar7: {
            simulator: { enabled: true, hosts: options.hosts },
            provisioning: {
              reconcileInterval: '200ms',
              pollInterval: '50ms',
              bmcCooldownPeriod: '0s',
            },
            catalog: options.catalogConfig,
            ...options.beskar7,
          },
        },
      }),
      ...options.features,
    ],
  });
}
