import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
} from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import request from 'supertest';
import { beskar7Plugin } from '../../../../plugins/beskar7-backend/src/plugin';
import {
  generateTree,
  SimulatedBmc,
  SimulatedBmcOptions,
} from '../../../../plugins/beskar7-backend/src/simulator';
import { createTestDatabases } from '../database/databases';

const auth = { Authorization: mockCredentials.user.header() };

export interface RestBackendOptions {
  /** The BMC login, as config credentials `lab`. */
  credentials: { username: string; password: string };
  /** Where `lab` may be sent (default 127.0.0.1). */
  allowedAddresses?: string[];
  /** beskar7.provisioning keys over the fast ones these tests share. */
  provisioning?: Record<string, unknown>;
}

/**
 * The beskar7 plugin behind its REST API on one test database, with
 * provisioning fast enough for tests, and simulated BMCs (real HTTP) that
 * are stopped after the suite. Registers the suite's beforeAll/afterAll.
 */
export function useRestBackend(
  databases: ReturnType<typeof createTestDatabases>,
  databaseId: TestDatabaseId,
  options: RestBackendOptions,
) {
  const bmcs: SimulatedBmc[] = [];
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  const api = (path: string) => `/api/beskar7${path}`;

  beforeAll(async () => {
    const knex = await databases.init(databaseId);
    ({ server } = await startTestBackend({
      features: [
        beskar7Plugin,
        schedulerServiceFactory,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            beskar7: {
              credentials: {
                lab: {
                  ...options.credentials,
                  allowedAddresses: options.allowedAddresses ?? ['127.0.0.1'],
                },
              },
              provisioning: {
                maxConcurrentOps: 4,
                workerCount: 4,
                bmcCooldownPeriod: '0s',
                pollInterval: '20ms',
                reconcileInterval: '200ms',
                retry: { maxRetries: 0, initialBackoff: '0s' },
                ...options.provisioning,
              },
            },
          },
        }),
      ],
    }));
  }, 60_000);
  afterAll(() => Promise.all(bmcs.map(b => b.stop())));

  return {
    get: async (path: string) =>
      (await request(server).get(api(path)).set(auth)).body,
    post: (path: string, body?: object) =>
      request(server).post(api(path)).set(auth).send(body),
    /** Registers a host of the BMC at `address` with the `lab` login. */
    register: (name: string, pool: string, address: string) =>
      request(server)
        .post(api('/hosts'))
        .set(auth)
        .send({
          name,
          pool,
          bmc: { address, credentialsRef: 'lab', allowPlainHttp: true },
        }),
    hostsOfPool: async (pool: string): Promise<Host[]> =>
      (
        await request(server)
          .get(api(`/hosts?pool=${pool}&limit=100&orderBy=name`))
          .set(auth)
      ).body.items,
    /** A simulated BMC of `vendor` (tree number `index`) with the `lab` login. */
    startBmc: async (
      vendor: Parameters<typeof generateTree>[0],
      index: number,
      extra: Omit<Partial<SimulatedBmcOptions>, 'tree' | 'credentials'> & {
        /** Options of the generated tree (e.g. several systems). */
        tree?: Parameters<typeof generateTree>[2];
      } = {},
    ) => {
      const { tree, ...rest } = extra;
      const bmc = await SimulatedBmc.start({
        tree: generateTree(vendor, index, tree),
        credentials: options.credentials,
        ...rest,
      });
      bmcs.push(bmc);
      return bmc;
    },
  };
}
