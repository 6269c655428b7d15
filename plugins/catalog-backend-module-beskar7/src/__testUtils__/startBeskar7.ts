// The tests run the real plugin; the module itself only talks to it over HTTP.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import beskar7Plugin from '@beskar7/backstage-plugin-beskar7-backend';
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

/** The real beskar7 plugin with a simulated fleet, and `features` next to it. */
export const startBeskar7 = async (
  options: Omit<StartBeskar7BackendOptions, 'plugin' | 'knex'>,
) =>
  startBeskar7Backend({
    ...options,
    plugin: beskar7Plugin,
    knex: await databases.init('SQLITE_3'),
  });
