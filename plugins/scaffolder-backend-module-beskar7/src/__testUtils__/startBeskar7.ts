import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  BackendFeature,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
// The tests run the real plugin; the module itself only talks to it over HTTP.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import beskar7Plugin from '@beskar7/backstage-plugin-beskar7-backend';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';

// Created when a test file loads: TestDatabases registers jest hooks.
const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

/** A user the permission policy lets read the fleet and nothing else. */
export const READ_ONLY_USER = 'user:default/mallory';

/** Allows everything, except writes for READ_ONLY_USER. */
const permissionsFactory = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => ({
    async authorize(requests, { credentials }) {
      const readOnly =
        credentials.principal &&
        (credentials.principal as { userEntityRef?: string }).userEntityRef ===
          READ_ONLY_USER;
      return requests.map(({ permission }) => ({
        result:
          readOnly &&
          !isResourcePermission(permission) &&
          permission.attributes.action !== 'read'
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      }));
    },
    async authorizeConditional(requests) {
      return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
    },
  }),
});

/**
 * Starts the real beskar7 backend plugin on SQLite with a simulated fleet of
 * `hosts` BMCs, fast provisioning, and the given features next to it.
 */
export async function startBeskar7(options: {
  hosts: number;
  features: BackendFeature[];
  extensionPoints?: Parameters<typeof startTestBackend>[0]['extensionPoints'];
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
      permissionsFactory,
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
            ...options.beskar7,
          },
        },
      }),
      ...options.features,
    ],
  });
}
