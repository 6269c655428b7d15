import {
  coreServices,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import knexFactory from 'knex';
import { beskar7Plugin } from './plugin';

describe('Backend shutdown', () => {
  it('stops the replica before the database closes, as under `yarn start` on in-memory SQLite', async () => {
    // backend-defaults, in development on in-memory SQLite, keeps the data
    // across restarts: a plugin shutdown hook takes the only connection and
    // never gives it back. The plugin's own hooks run beside it.
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
      acquireConnectionTimeout: 2_000,
    });
    let held: unknown;
    const database = createServiceFactory({
      service: coreServices.database,
      deps: { lifecycle: coreServices.lifecycle },
      factory: ({ lifecycle }) => {
        lifecycle.addShutdownHook(async () => {
          held = await knex.client.acquireConnection();
        });
        return { getClient: async () => knex };
      },
    });
    const errors: string[] = [];
    const logger: LoggerService = {
      error: (message, meta) => void errors.push(`${message} ${meta ?? ''}`),
      warn: () => {},
      info: () => {},
      debug: () => {},
      child: () => logger,
    };
    const backend = await startTestBackend({
      features: [
        beskar7Plugin,
        database,
        mockServices.rootConfig.factory({
          data: { beskar7: { simulator: { enabled: true, hosts: 2 } } },
        }),
        createServiceFactory({
          service: coreServices.logger,
          deps: {},
          factory: () => logger,
        }),
      ],
    });
    try {
      await backend.stop();
      expect(errors).toEqual([]);
    } finally {
      if (held) await knex.client.releaseConnection(held);
      await knex.destroy();
    }
  });
});
