import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import { useRestBackend } from '@beskar7/backend-testing/http';

const databases = createTestDatabases();
const credentials = { username: 'admin', password: 'power-Secret-8' };

/**
 * A server switched on or off at its BMC (not through beskar7) shows its
 * new power state in the REST API, which the UI reads and the PhysicalHost
 * status is published from; a BMC that fails the reads does not fail its host.
 */
describe.each(databases.eachSupportedId())(
  'power state polling, on %p',
  databaseId => {
    const backend = useRestBackend(databases, databaseId, {
      credentials,
      provisioning: { powerPollInterval: '200ms' },
    });
    const get = (id: string): Promise<Host> => backend.get(`/hosts/${id}`);

    const register = async (name: string, index: number) => {
      const bmc = await backend.startBmc('dell', index);
      const created = await backend.register(name, 'power', bmc.url);
      expect(created.status).toBe(201);
      const host = await eventually(
        () => get(created.body.id),
        h => h.state === 'Available',
      );
      expect(host.powerState).toBe('Off');
      return { bmc, host };
    };

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
