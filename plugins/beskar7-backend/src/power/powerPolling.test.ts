import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { beskar7Plugin } from '../plugin';
import { generateTree, SimulatedBmc } from '../simulator';

const databases = createTestDatabases();
const auth = { Authorization: mockCredentials.user.header() };
const credentials = { username: 'admin', password: 'power-Secret-8' };

/**
 * A server switched on or off at its BMC (not through beskar7) shows its
 * new power state in the REST API, which the UI reads and the PhysicalHost
 * status is published from; a BMC that fails the reads does not fail its host.
 */
describe.each(databases.eachSupportedId())(
  'power state polling, on %p',
  databaseId => {
    const bmcs: SimulatedBmc[] = [];
    let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
    const get = async (id: string): Promise<Host> =>
      (await request(server).get(`/api/beskar7/hosts/${id}`).set(auth)).body;

    const register = async (name: string, index: number) => {
      const bmc = await SimulatedBmc.start({
        tree: generateTree('dell', index),
        credentials,
      });
      bmcs.push(bmc);
      const created = await request(server)
        .post('/api/beskar7/hosts')
        .set(auth)
        .send({
          name,
          pool: 'power',
          bmc: {
            address: bmc.url,
            credentialsRef: 'lab',
            allowPlainHttp: true,
          },
        });
      expect(created.status).toBe(201);
      const host = await eventually(
        () => get(created.body.id),
        h => h.state === 'Available',
      );
      expect(host.powerState).toBe('Off');
      return { bmc, host };
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
                  bmcCooldownPeriod: '0s',
                  pollInterval: '20ms',
                  reconcileInterval: '200ms',
                  powerPollInterval: '200ms',
                  retry: { maxRetries: 0, initialBackoff: '0s' },
                },
              },
            },
          }),
        ],
      }));
    }, 60_000);
    afterAll(() => Promise.all(bmcs.map(b => b.stop())));

    it('shows a server switched on and off at its BMC', async () => {
      const { bmc, host } = await register('switched', 61);
      bmc.machine.system.PowerState = 'On';
      const on = await eventually(
        () => get(host.id),
        h => h.powerState === 'On',
      );
      expect(on.state).toBe('Available');
      expect(Date.parse(on.powerStateObservedAt!)).toBeGreaterThan(
        Date.parse(host.powerStateObservedAt!),
      );
      bmc.machine.system.PowerState = 'Off';
      await eventually(
        () => get(host.id),
        h => h.powerState === 'Off',
      );
    }, 60_000);

    it('leaves a host whose BMC fails the reads Available, and reads it again once mended', async () => {
      const { bmc, host } = await register('failing', 62);
      bmc.faults.set([{ kind: 'status', status: 503 }]);
      bmc.machine.system.PowerState = 'On';
      await eventually(
        () => bmc.counters.requests.filter(r => r.status === 503).length,
        n => n > 0,
      );
      expect((await get(host.id)).state).toBe('Available');
      bmc.faults.set([]);
      const mended = await eventually(
        () => get(host.id),
        h => h.powerState === 'On',
      );
      expect(mended.state).toBe('Available');
    }, 120_000);
  },
);
