import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { beskar7Plugin } from '../plugin';
import { generateTree, SimFault, SimulatedBmc } from '../simulator';

const databases = createTestDatabases();
const auth = { Authorization: mockCredentials.user.header() };
const credentials = { username: 'admin', password: 'reason-Secret-4' };

/**
 * A host's failure reason carries what the BMC said (its Redfish error
 * body), and a session that expires is logged in again before anyone is
 * told the credentials are wrong; through the REST API.
 */
describe.each(databases.eachSupportedId())(
  'failure reasons from the BMC, on %p',
  databaseId => {
    const bmcs: SimulatedBmc[] = [];
    let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
    const api = (path: string) => `/api/beskar7${path}`;
    const get = async (path: string) =>
      (await request(server).get(api(path)).set(auth)).body;

    /** Registers a BMC with `faults` set once it is registered; the inspected host. */
    const inspect = async (
      name: string,
      faults: SimFault[],
      options: { messageIdsOnly?: boolean } = {},
    ) => {
      const bmc = await SimulatedBmc.start({
        tree: generateTree('hpe', 40 + bmcs.length),
        credentials,
        ...options,
        faults,
      });
      bmcs.push(bmc);
      const created = await request(server)
        .post(api('/hosts'))
        .set(auth)
        .send({
          name,
          pool: 'reasons',
          bmc: {
            address: bmc.url,
            credentialsRef: 'lab',
            allowPlainHttp: true,
          },
        });
      expect(created.status).toBe(201);
      const host = await eventually(
        () => get(`/hosts/${created.body.id}`),
        h => h.state === 'Available' || h.state === 'Error',
      );
      expect(JSON.stringify(host)).not.toContain(credentials.password);
      return { host, bmc };
    };

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
                  lab: { ...credentials, allowedAddresses: ['127.0.0.1'] },
                },
                provisioning: {
                  maxConcurrentOps: 4,
                  workerCount: 4,
                  bmcCooldownPeriod: '0s',
                  pollInterval: '20ms',
                  reconcileInterval: '200ms',
                  retry: { maxRetries: 0, initialBackoff: '0s' },
                },
              },
            },
          }),
        ],
      }));
    }, 60_000);
    afterAll(() => Promise.all(bmcs.map(b => b.stop())));

    it("names the BMC's error.message and every ExtendedInfo message id", async () => {
      const { host } = await inspect(
        'ids-only',
        [{ kind: 'status', status: 400, operations: ['read'], after: 2 }],
        { messageIdsOnly: true },
      );
      expect(host.state).toBe('Error');
      expect(host.errorMessage).toMatch(
        /failed with HTTP 400: Simulated failure \(HTTP 400\); Base\.1\.8\.InternalError$/,
      );
    }, 60_000);

    it('logs in again when the session expires mid-inspection, and inspects', async () => {
      const { host, bmc } = await inspect('expired-once', [
        { kind: 'expireSession', operations: ['read'], after: 3, times: 1 },
      ]);
      expect(host.state).toBe('Available');
      expect(bmc.counters.sessionsCreated).toBe(2);
      expect(bmc.counters.loginFailures).toBe(0);
    }, 60_000);

    it('does not call the credentials wrong when a fresh session is refused too', async () => {
      const { host, bmc } = await inspect('expired-always', [
        { kind: 'expireSession', operations: ['read'], after: 3 },
      ]);
      expect(host.state).toBe('Error');
      expect(host.errorMessage).not.toMatch(/rejected the credentials/);
      expect(host.errorMessage).toMatch(
        /accepted the login but answered HTTP 401 to the new session on GET /,
      );
      expect(bmc.counters.loginFailures).toBe(0);
    }, 60_000);
  },
);
