import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import { knex as createKnex } from 'knex';
import { AddressInfo } from 'node:net';
import { beskar7Plugin } from '../../../../../plugins/beskar7-backend/src/plugin';

/**
 * One backend replica for the alert drill: the real plugin with the real
 * scheduler and the real auth services, so that Prometheus's static scrape
 * token goes through `backend.auth.externalAccess` as in production. Its own
 * connection pool to the drill's database; HTTP on a free loopback port.
 */
export async function startDrillBackend(
  databaseUrl: string,
  config: JsonObject,
) {
  const knex = createKnex({
    client: 'pg',
    connection: databaseUrl,
    pool: { min: 0, max: 6 },
  });
  const backend = await startTestBackend({
    features: [
      beskar7Plugin,
      schedulerServiceFactory,
      authServiceFactory,
      httpAuthServiceFactory,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  return {
    /** host:port, as Prometheus's targets name it. */
    target: `127.0.0.1:${port}`,
    api: `http://127.0.0.1:${port}/api/beskar7`,
    async stop() {
      await backend.stop();
      await knex.destroy();
    },
  };
}

export type DrillBackend = Awaited<ReturnType<typeof startDrillBackend>>;
