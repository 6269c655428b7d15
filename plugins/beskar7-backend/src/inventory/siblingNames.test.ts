import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import { useRestBackend } from '@beskar7/backend-testing/http';
import { siblingHostName } from './siblingName';

const databases = createTestDatabases();
const credentials = { username: 'admin', password: 'sibling-Secret-6' };
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The further systems of a BMC registered by its bare address become hosts
 * with valid, unique names (DNS-1123 labels, as their PhysicalHosts and
 * catalog entities need), through the REST API.
 */
describe.each(databases.eachSupportedId())(
  'names of sibling hosts, on %p',
  databaseId => {
    const { get, register, hostsOfPool, startBmc } = useRestBackend(
      databases,
      databaseId,
      { credentials },
    );
    const enclosure = (index: number) =>
      startBmc('dell', index, { tree: { systems: 2 } });

    it('shortens a name that would pass 63 characters with a stable hash', async () => {
      const bmc = await enclosure(71);
      const name = `rack-${'a'.repeat(53)}`;
      expect((await register(name, 'long', bmc.url)).status).toBe(201);
      const hosts = await eventually(
        () => hostsOfPool('long'),
        all => all.length === 2 && all.every(h => h.state === 'Available'),
      );
      const sibling = hosts.find(h => h.name !== name)!;
      expect(sibling.name).toMatch(DNS_LABEL);
      expect(sibling.name).toMatch(/^rack-a+-node2-[0-9a-f]{8}$/);
      expect(sibling.name).toHaveLength(63);
    }, 60_000);

    it('registers a system whose plain name another host has under a hashed one', async () => {
      const other = await enclosure(72);
      expect(
        (
          await register(
            'edge-node2',
            'taken',
            `${other.url}/redfish/v1/Systems/Node1`,
          )
        ).status,
      ).toBe(201);
      const bmc = await enclosure(73);
      expect((await register('edge', 'taken', bmc.url)).status).toBe(201);
      const hosts = await eventually(
        () => hostsOfPool('taken'),
        all => all.length === 3 && all.every(h => h.state === 'Available'),
      );
      expect(hosts.map(h => h.name)).toEqual([
        'edge',
        'edge-node2',
        expect.stringMatching(/^edge-node2-[0-9a-f]{8}$/),
      ]);
    }, 60_000);

    it('names each system it could not register, and why, in the host history', async () => {
      const other = await enclosure(74);
      // Both names the system of Node2 could have are taken.
      for (const [name, node] of [
        ['full-node2', 'Node1'],
        [siblingHostName('full', 'Node2', true), 'Node2'],
      ]) {
        const address = `${other.url}/redfish/v1/Systems/${node}`;
        expect((await register(name, 'full', address)).status).toBe(201);
      }
      const bmc = await enclosure(75);
      expect((await register('full', 'full', bmc.url)).status).toBe(201);
      const hosts = await eventually(
        () => hostsOfPool('full'),
        all => all.length === 3 && all.every(h => h.state === 'Available'),
      );
      const host = hosts.find(h => h.name === 'full')!;
      const { events } = await get(`/hosts/${host.id}`);
      expect(
        events.filter(
          (e: { reason: string }) => e.reason === 'SystemsNotRegistered',
        ),
      ).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(
            /^Further systems of BMC .+ not registered: system Node2: the names full-node2 and full-node2-[0-9a-f]{8} are taken in namespace default$/,
          ),
        }),
      ]);
    }, 60_000);
  },
);
