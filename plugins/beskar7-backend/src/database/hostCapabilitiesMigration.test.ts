import { randomUUID } from 'node:crypto';
import {
  createTestDatabases,
  migrateUpTo,
} from '@beskar7/backend-testing/database';
import { HostEventStore } from './HostEventStore';
import { HostStore } from './HostStore';
import { HOSTS_TABLE, hostRingColumns, hostSpecToColumns } from './hostRows';
import { applyDatabaseMigrations } from './migrations';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const CAPABILITIES_MIGRATION = '20261206320000_host_capabilities.js';

describe.each(databases.eachSupportedId())(
  'the host capabilities migration on %p',
  databaseId => {
    it('sends Available hosts to be inspected again, and leaves hosts in use alone', async () => {
      const knex = await databases.init(databaseId);
      await migrateUpTo(knex, CAPABILITIES_MIGRATION);
      // Hosts as a database from before capabilities were recorded holds them.
      const now = new Date(Date.now() - 3_600_000);
      const rows = (['Available', 'Claimed', 'Error'] as const).map(
        (state, i) => ({
          name: `node-${i}`,
          namespace: 'lab',
          ...hostRingColumns(knex, { namespace: 'lab', name: `node-${i}` }),
          ...hostSpecToColumns({
            pool: 'p',
            labels: {},
            tags: [],
            hardware: { macAddresses: [] },
            bmc: {
              address: `https://bmc-${i}.test`,
              credentialsRef: 'c',
              insecureSkipVerify: false,
            },
          }),
          id: randomUUID(),
          state,
          consumer_id: state === 'Claimed' ? 'machine-1' : null,
          version: 3,
          created_at: now,
          updated_at: now,
        }),
      );
      await knex(HOSTS_TABLE).insert(rows);
      await applyDatabaseMigrations(knex);

      const hosts = new HostStore(knex);
      const [available, claimed, failed] = await Promise.all(
        rows.map(r => hosts.get(r.id)),
      );
      expect(available).toMatchObject({ state: 'Enrolling', version: 4 });
      // Not stuck: it left Available just now, and its inspection is due.
      expect(Date.parse(available!.updatedAt)).toBeGreaterThan(now.getTime());
      expect(await new HostEventStore(knex).list(rows[0].id)).toMatchObject([
        {
          fromState: 'Available',
          toState: 'Enrolling',
          reason: 'CapabilitiesUnknown',
        },
      ]);
      expect(claimed).toMatchObject({ state: 'Claimed', version: 3 });
      expect(failed).toMatchObject({ state: 'Error', version: 3 });
      for (const host of [available, claimed, failed]) {
        expect(host!.capabilities).toBeUndefined();
        expect(host!.bmcVendor).toBeUndefined();
      }
    });
  },
);
