import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
// The tests run the real plugin; the module itself only talks to it over HTTP.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import beskar7Plugin from '@beskar7/backstage-plugin-beskar7-backend';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  startBeskar7Backend,
  StartBeskar7BackendOptions,
} from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { TestDatabases } from '@backstage/backend-test-utils';

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
 * The real beskar7 plugin with a simulated fleet, and `features` next to it;
 * READ_ONLY_USER may only read.
 */
export const startBeskar7 = async (
  options: Omit<StartBeskar7BackendOptions, 'plugin' | 'knex'>,
) =>
  startBeskar7Backend({
    ...options,
    plugin: beskar7Plugin,
    knex: await databases.init('SQLITE_3'),
    features: [permissionsFactory, ...options.features],
  });
