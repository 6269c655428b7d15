import {
  createTestDatabases,
  migrateUpTo,
} from '@beskar7/backend-testing/database';
import { DuplicateHostError } from './errors';
import { HostStore } from './HostStore';
import { hostRingColumns } from './hostRows';
import { migrationsDir, MIGRATIONS_TABLE } from './migrations';

const databases = createTestDatabases();
const config = { directory: migrationsDir, tableName: MIGRATIONS_TABLE };

describe.each(databases.eachSupportedId())(
  'the one-server identity on %p',
  databaseId => {
    it('reports hosts already sharing a serial number and refuses to guess, then runs once they are gone', async () => {
      const knex = await databases.init(databaseId);
      await migrateUpTo(knex, '20261206100000_host_system_identity.js');
      const row = (id: string, port: number, serial: string | null) => ({
        id,
        name: id,
        namespace: 'default',
        pool: 'lab',
        labels: '{}',
        tags: '[]',
        mac_addresses: '[]',
        bmc_address: `https://bmc.example:${port}`,
        bmc_endpoint: `https://bmc.example:${port}`,
        system_id: '1',
        credentials_ref: 'x',
        insecure_skip_verify: false,
        manufacturer: 'Dell Inc.',
        model: 'PowerEdge R650',
        serial_number: serial,
        state: 'Available',
        version: 0,
        created_at: new Date(),
        updated_at: new Date(),
        ...hostRingColumns(knex, { namespace: 'default', name: id }),
      });
      await knex('beskar7_hosts').insert([
        row('h1', 1, 'ABC123'),
        row('h2', 2, 'abc123 '),
        // Placeholders and unknown serials are no identity.
        row('h3', 3, 'To Be Filled By O.E.M.'),
        row('h4', 4, 'To Be Filled By O.E.M.'),
        row('h5', 5, null),
        row('h6', 6, null),
      ]);
      await expect(knex.migrate.latest(config)).rejects.toThrow(
        /1 server\(s\) are registered as more than one host under different BMC addresses.*serial number ABC123 \(Dell Inc\. PowerEdge R650\): default\/h1 \(h1\), default\/h2 \(h2\)/,
      );
      await knex('beskar7_hosts').where({ id: 'h2' }).delete();
      await knex.migrate.latest(config);

      // Until its next inspection, a host is matched by what it stored...
      const store = new HostStore(knex);
      const legacy = await store.sameServer(
        'serial:dell inc./poweredge r650/abc123',
      );
      expect(legacy?.existing.id).toBe('h1');
      // ...and the unique index refuses any writer of a known identity.
      const create = (name: string) =>
        store.create({
          name,
          namespace: 'default',
          pool: 'lab',
          systemIdentity: 'uuid:4c4c4544004d3510804ac4c04f4e4432',
          bmc: { address: `https://${name}.example`, credentialsRef: 'x' },
        });
      await create('first');
      const error = await create('second').catch(e => e);
      expect(error).toBeInstanceOf(DuplicateHostError);
      expect(error.message).toBe(
        `The server with UUID 4c4c4544-004d-3510-804a-c4c04f4e4432 is registered already as host default/first (${
          (await store.getByName('default', 'first'))!.id
        })`,
      );
    }, 60_000);
  },
);
