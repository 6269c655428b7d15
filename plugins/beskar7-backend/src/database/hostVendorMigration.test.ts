import { randomUUID } from 'node:crypto';
import {
  createTestDatabases,
  migrateUpTo,
} from '@beskar7/backend-testing/database';
import { vendorKeyOf } from '../redfish/vendors';
import { HOSTS_TABLE, hostRingColumns, hostSpecToColumns } from './hostRows';
import { applyDatabaseMigrations } from './migrations';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const VENDOR_MIGRATION = '20261206300000_host_vendor_and_text_search.js';

const MANUFACTURERS = [
  'Dell Inc.',
  'HPE',
  'Hewlett Packard Enterprise',
  'Lenovo',
  'Supermicro',
  'American Megatrends International',
  'FUJITSU',
  'Quanta Cloud Technology',
  null,
];

describe.each(databases.eachSupportedId())(
  'the host vendor migration on %p',
  databaseId => {
    it('gives the hosts of an existing database the vendor the code would write', async () => {
      const knex = await databases.init(databaseId);
      await migrateUpTo(knex, VENDOR_MIGRATION);
      // Hosts as a database from before the column holds them.
      await knex(HOSTS_TABLE).insert(
        MANUFACTURERS.map((manufacturer, i) => {
          const { vendor: _, ...columns } = hostSpecToColumns({
            pool: 'p',
            labels: {},
            tags: [],
            hardware: {
              manufacturer: manufacturer ?? undefined,
              macAddresses: [],
            },
            bmc: {
              address: `https://bmc-${i}.test`,
              credentialsRef: 'c',
              insecureSkipVerify: false,
            },
          });
          const now = new Date();
          return {
            id: randomUUID(),
            name: `node-${i}`,
            namespace: 'lab',
            ...hostRingColumns(knex, { namespace: 'lab', name: `node-${i}` }),
            ...columns,
            state: 'Available',
            version: 0,
            created_at: now,
            updated_at: now,
          };
        }),
      );
      await applyDatabaseMigrations(knex);
      const rows = await knex(HOSTS_TABLE)
        .orderBy('name')
        .select('manufacturer', 'vendor');
      expect(rows.map(r => r.vendor)).toEqual(
        MANUFACTURERS.map(m => vendorKeyOf(m ?? undefined) ?? null),
      );
      expect(rows.map(r => r.vendor)).toEqual([
        'dell',
        'hpe',
        'hpe',
        'lenovo',
        'supermicro',
        'ami',
        'fujitsu',
        'quanta',
        null,
      ]);
    });
  },
);
