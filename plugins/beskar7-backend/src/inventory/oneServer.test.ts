import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import { useRestBackend } from '@beskar7/backend-testing/http';

const databases = createTestDatabases();
const credentials = { username: 'admin', password: 'one-Server-9' };

/**
 * One physical server is one host, whatever its BMC is called: the BMC's
 * aliases (DNS name, IPv4-mapped IPv6) and a second BMC reporting the same
 * ComputerSystem are refused, at registration when the BMC answers, else
 * at inspection, by the REST API (Kubernetes goes through the same service).
 */
describe.each(databases.eachSupportedId())(
  'one server under any name, on %p',
  databaseId => {
    const { get, post, register, hostsOfPool, startBmc } = useRestBackend(
      databases,
      databaseId,
      {
        credentials,
        allowedAddresses: ['127.0.0.1', 'localhost', '::ffff:127.0.0.1'],
      },
    );
    const start = (index: number) => startBmc('dell', index);

    it('refuses the aliases of a registered BMC with 409 naming the first host', async () => {
      const bmc = await start(21);
      const first = await register('first', 'aliases', bmc.url);
      expect(first.status).toBe(201);
      await eventually(
        () => hostsOfPool('aliases'),
        ([h]) => h?.state === 'Available',
      );
      expect(bmc.aliases).toHaveLength(2);
      for (const alias of [
        ...bmc.aliases,
        `${bmc.aliases[1]}/redfish/v1/Systems/System.Embedded.1`,
      ]) {
        const again = await register(`alias-${alias.length}`, 'aliases', alias);
        expect([alias, again.status]).toEqual([alias, 409]);
        expect(again.body.error.message).toContain(
          `is registered already as host default/first (${first.body.id})`,
        );
      }
      expect(await hostsOfPool('aliases')).toHaveLength(1);
    }, 60_000);

    it('refuses a second BMC of the same server, and spellings raced in parallel give one 201', async () => {
      // Two BMCs (a second NIC, a replaced controller) reporting one server.
      const [a, b] = [await start(22), await start(22)];
      const answers = await Promise.all(
        [a.url, ...a.aliases, b.url, ...b.aliases].map((address, i) =>
          register(`twin-${i}`, 'twins', address),
        ),
      );
      expect(answers.map(r => r.status).sort()).toEqual([
        201, 409, 409, 409, 409, 409,
      ]);
      const [created] = answers.filter(r => r.status === 201);
      for (const refused of answers.filter(r => r.status === 409)) {
        expect(refused.body.error.message).toContain(
          `host default/${created.body.name} (${created.body.id})`,
        );
      }
    }, 60_000);

    it('refuses at inspection a server whose BMC did not answer at registration, and never claims it', async () => {
      const first = await start(23);
      expect((await register('known', 'late', first.url)).status).toBe(201);
      await eventually(
        () => hostsOfPool('late'),
        all => all.length === 1 && all[0].state === 'Available',
      );
      // The same server's second BMC is not answering yet.
      const second = await start(23);
      second.faults.set([{ kind: 'status', status: 503 }]);
      const late = await register('late', 'late', second.aliases[0]);
      expect(late.status).toBe(201);
      second.faults.set([]);
      expect(
        (await post(`/hosts/${late.body.id}/recover`)).status,
      ).toBeLessThan(500);
      const refused = await eventually(
        () => get(`/hosts/${late.body.id}`),
        h => h.state === 'Error' && /registered already/.test(h.errorMessage),
      );
      expect(refused.errorMessage).toMatch(
        /^The server with UUID [0-9a-f-]{36} is registered already as host default\/known \(.*\); this host is refused/,
      );
      expect(refused.events[0].reason).toBe('DuplicateServer');

      // Two machines, one server: only one is provisioned.
      const machines = await Promise.all(
        ['m1', 'm2'].map(
          async name =>
            (
              await post('/machines', {
                name: `late-${name}`,
                imageUrl: 'https://images.example/os.iso',
                osFamily: 'flatcar',
                provisioningMode: 'PXE',
                requirements: { pool: 'late' },
              })
            ).body,
        ),
      );
      const phases = await eventually(
        () => Promise.all(machines.map(m => get(`/machines/${m.id}`))),
        all => all.some(m => m.phase === 'Provisioned'),
      );
      await new Promise(r => setTimeout(r, 1000));
      const after = await Promise.all(
        machines.map(m => get(`/machines/${m.id}`)),
      );
      expect(after.map(m => m.phase).sort()).toEqual([
        'Pending',
        'Provisioned',
      ]);
      expect(phases.find(m => m.phase === 'Provisioned').hostId).not.toBe(
        late.body.id,
      );
      expect((await get(`/hosts/${late.body.id}`)).state).toBe('Error');
    }, 60_000);
  },
);
