import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { applyDatabaseMigrations } from './migrations';
import { HostSearch } from './HostSearch';
import { HostStore } from './HostStore';

const databases = createTestDatabases();

async function seed(store: HostStore) {
  const hosts: Array<{
    name: string;
    pool: string;
    manufacturer: string;
    tags: string[];
    labels: Record<string, string>;
    state: 'Available' | 'Provisioned' | 'Error';
  }> = [
    {
      name: 'dell-01',
      pool: 'gpu',
      manufacturer: 'Dell Inc.',
      tags: ['gpu', 'nvme'],
      labels: { rack: 'r1' },
      state: 'Available' as const,
    },
    {
      name: 'dell-02',
      pool: 'gpu',
      manufacturer: 'Dell Inc.',
      tags: ['gpu'],
      labels: { rack: 'r2' },
      state: 'Provisioned' as const,
    },
    {
      name: 'hpe-01',
      pool: 'general',
      manufacturer: 'HPE',
      tags: ['nvme'],
      labels: { rack: 'r1', 'topology.kubernetes.io/zone': 'a' },
      state: 'Error' as const,
    },
    {
      name: 'lenovo_01',
      pool: 'general',
      manufacturer: 'Lenovo',
      tags: [],
      labels: {},
      state: 'Available' as const,
    },
  ];
  for (const h of hosts) {
    await store.create({
      name: h.name.replace('_', '-'),
      namespace: 'default',
      pool: h.pool,
      tags: h.tags,
      labels: h.labels,
      state: h.state,
      hardware: {
        manufacturer: h.manufacturer,
        model: `${h.name} model`,
        macAddresses: [],
      },
      bmc: {
        address: `https://${h.name.replace('_', '-')}.bmc`,
        credentialsRef: 'c',
      },
    });
  }
}

describe('HostSearch', () => {
  it.each(databases.eachSupportedId())(
    'filters, sorts and paginates in the database on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      await seed(new HostStore(knex));
      const search = new HostSearch(knex);
      const names = async (q: Parameters<HostSearch['search']>[0]) =>
        (await search.search(q)).items.map(h => h.name);

      expect(await names({})).toEqual([
        'dell-01',
        'dell-02',
        'hpe-01',
        'lenovo-01',
      ]);
      expect(await names({ state: ['Available', 'Error'] })).toEqual([
        'dell-01',
        'hpe-01',
        'lenovo-01',
      ]);
      expect(await names({ pool: 'gpu', tags: ['nvme'] })).toEqual(['dell-01']);
      expect(await names({ labels: { rack: 'r1' } })).toEqual([
        'dell-01',
        'hpe-01',
      ]);
      expect(
        await names({ labels: { 'topology.kubernetes.io/zone': 'a' } }),
      ).toEqual(['hpe-01']);
      expect(await names({ vendor: 'dell' })).toEqual(['dell-01', 'dell-02']);
      // The vendor a value names: its id, the manufacturer's own name, any case.
      expect(await names({ vendor: 'Dell Inc.' })).toEqual([
        'dell-01',
        'dell-02',
      ]);
      expect(await names({ vendor: 'hpe-ilo' })).toEqual(['hpe-01']);
      expect(await names({ vendor: 'LENOVO' })).toEqual(['lenovo-01']);
      expect(await names({ vendor: 'ell' })).toEqual([]);
      expect(await names({ text: 'LENOVO_01 MOD' })).toEqual(['lenovo-01']);
      // A LIKE wildcard in the search text is matched literally.
      expect(await names({ text: '%' })).toEqual([]);
      expect(await names({ orderBy: 'state', order: 'desc' })).toEqual([
        'dell-02',
        'hpe-01',
        'dell-01',
        'lenovo-01',
      ]);

      const page = await search.search({ offset: 1, limit: 2 });
      expect(page).toMatchObject({ totalCount: 4, offset: 1, limit: 2 });
      expect(page.items.map(h => h.name)).toEqual(['dell-02', 'hpe-01']);
      const deep = await search.search({
        orderBy: 'state',
        order: 'desc',
        offset: 2,
        limit: 1,
      });
      expect(deep.items.map(h => h.name)).toEqual(['dell-01']);
      expect(deep.totalCount).toBe(4);
      // Past the end: no items, and still the total.
      expect(
        await search.search({ state: ['Available'], offset: 10 }),
      ).toMatchObject({ items: [], totalCount: 2 });
    },
  );

  it.each(
    databases.eachSupportedId().filter(([id]) => id.startsWith('POSTGRES')),
  )(
    'filters labels, tags, text and vendor through their indexes on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      await seed(new HostStore(knex));
      const plans = await knex.transaction(async trx => {
        // Four rows are cheaper to scan, or to walk in a sort index and
        // filter; forbid both to see whether the GIN index applies.
        await trx.raw('SET LOCAL enable_seqscan = off');
        await trx.raw('SET LOCAL enable_indexscan = off');
        const queries: Array<{ sql: string; bindings: Knex.RawBinding[] }> = [];
        const record = (q: { sql: string; bindings: Knex.RawBinding[] }) =>
          queries.push(q);
        knex.on('query', record);
        const search = new HostSearch(trx);
        await search.search({ labels: { rack: 'r1' } });
        await search.search({ tags: ['nvme'] });
        await search.search({ text: 'ode-0' });
        await search.search({ vendor: 'lenovo' });
        knex.off('query', record);
        const explained: string[] = [];
        for (const { sql, bindings } of queries.filter(q =>
          q.sql.startsWith('select'),
        )) {
          const result = await trx.raw(
            `EXPLAIN ${sql.replace(/\$\d+/g, '?')}`,
            bindings,
          );
          explained.push(
            result.rows
              .map((r: Record<string, string>) => r['QUERY PLAN'])
              .join('\n'),
          );
        }
        return explained;
      });
      expect(plans[0]).toContain('beskar7_hosts_labels_jsonb');
      expect(plans[1]).toContain('beskar7_hosts_tags_jsonb');
      // One trigram index per column the free text matches.
      for (const column of ['name', 'namespace', 'model', 'serial_number']) {
        expect(plans[2]).toContain(`beskar7_hosts_${column}_trgm`);
      }
      expect(plans[3]).toContain('beskar7_hosts_by_vendor');
    },
  );

  it.each(
    databases.eachSupportedId().filter(([id]) => id.startsWith('POSTGRES')),
  )(
    'pages a descending sort through an index, not by sorting every host, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      await seed(new HostStore(knex));
      const plans = await knex.transaction(async trx => {
        // Four rows are cheaper to sort; forbid it to see whether an index serves the order.
        await trx.raw('SET LOCAL enable_sort = off');
        await trx.raw('SET LOCAL enable_seqscan = off');
        const queries: Array<{ sql: string; bindings: Knex.RawBinding[] }> = [];
        const record = (q: { sql: string; bindings: Knex.RawBinding[] }) =>
          queries.push(q);
        knex.on('query', record);
        const search = new HostSearch(trx);
        for (const orderBy of ['updatedAt', 'state', 'name'] as const) {
          await search.search({ orderBy, order: 'desc' });
        }
        knex.off('query', record);
        const explained: string[] = [];
        for (const { sql, bindings } of queries.filter(q =>
          q.sql.includes(' as "page"'),
        )) {
          const result = await trx.raw(
            `EXPLAIN ${sql.replace(/\$\d+/g, '?')}`,
            bindings,
          );
          explained.push(
            result.rows
              .map((r: Record<string, string>) => r['QUERY PLAN'])
              .join('\n'),
          );
        }
        return explained;
      });
      expect(plans).toHaveLength(3);
      expect(plans[0]).toContain('beskar7_hosts_by_updated_at_desc');
      expect(plans[1]).toContain('beskar7_hosts_by_state_desc');
      expect(plans[2]).toContain('beskar7_hosts_by_name_desc');
    },
  );

  it.each(databases.eachSupportedId())(
    'summarises pools by state on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      await seed(new HostStore(knex));

      const pools = await new HostSearch(knex).poolSummaries();

      expect(pools.map(p => p.pool)).toEqual(['general', 'gpu']);
      expect(pools[1]).toMatchObject({
        pool: 'gpu',
        total: 2,
        utilisation: 0.5,
        byState: { Available: 1, Provisioned: 1, Error: 0 },
      });
      expect(pools[0].byState).toMatchObject({ Available: 1, Error: 1 });
    },
  );
});
