import { Knex } from 'knex';
import { createTestDatabases } from '@beskar7/backend-testing/database';
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

/** A migrated database holding the seed hosts. */
async function seededDatabase(
  databaseId: Parameters<typeof databases.init>[0],
) {
  const knex = await databases.init(databaseId);
  await applyDatabaseMigrations(knex);
  await seed(new HostStore(knex));
  return knex;
}

/**
 * PostgreSQL's plans for the queries that `searches` sends and `keep`
 * picks, with `settings` in force: four rows are cheaper to scan or sort,
 * so the tests forbid that to see whether an index serves the query.
 */
async function plansOf(
  knex: Knex,
  settings: string[],
  searches: (search: HostSearch) => Promise<void>,
  keep: (sql: string) => boolean,
): Promise<string[]> {
  return knex.transaction(async trx => {
    for (const setting of settings) await trx.raw(`SET LOCAL ${setting}`);
    const queries: Array<{ sql: string; bindings: Knex.RawBinding[] }> = [];
    const record = (q: { sql: string; bindings: Knex.RawBinding[] }) =>
      queries.push(q);
    knex.on('query', record);
    try {
      await searches(new HostSearch(trx));
    } finally {
      knex.off('query', record);
    }
    const explained: string[] = [];
    for (const { sql, bindings } of queries.filter(q => keep(q.sql))) {
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
}

describe('HostSearch', () => {
  it.each(databases.eachSupportedId())(
    'filters, sorts and paginates in the database on %p',
    async databaseId => {
      const knex = await seededDatabase(databaseId);
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
      // Descending is the ascending order reversed, ties included.
      expect(await names({ orderBy: 'state', order: 'desc' })).toEqual([
        'dell-02',
        'hpe-01',
        'lenovo-01',
        'dell-01',
      ]);
      for (const orderBy of [
        'name',
        'state',
        'pool',
        'manufacturer',
      ] as const) {
        expect(await names({ orderBy, order: 'desc' })).toEqual(
          (await names({ orderBy })).reverse(),
        );
      }

      const page = await search.search({ offset: 1, limit: 2 });
      expect(page).toMatchObject({ totalCount: 4, offset: 1, limit: 2 });
      expect(page.items.map(h => h.name)).toEqual(['dell-02', 'hpe-01']);
      const deep = await search.search({
        orderBy: 'state',
        order: 'desc',
        offset: 2,
        limit: 1,
      });
      expect(deep.items.map(h => h.name)).toEqual(['lenovo-01']);
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
      const knex = await seededDatabase(databaseId);
      // Forbid scans and sort-index walks to see whether the GIN index applies.
      const plans = await plansOf(
        knex,
        ['enable_seqscan = off', 'enable_indexscan = off'],
        async search => {
          await search.search({ labels: { rack: 'r1' } });
          await search.search({ tags: ['nvme'] });
          await search.search({ text: 'ode-0' });
          await search.search({ vendor: 'lenovo' });
        },
        sql => sql.startsWith('select'),
      );
      expect(plans[0]).toContain('beskar7_hosts_labels_jsonb');
      expect(plans[1]).toContain('beskar7_hosts_tags_jsonb');
      // One trigram index per column the free text matches.
      for (const column of ['name', 'namespace', 'model', 'serial_number']) {
        expect(plans[2]).toContain(`beskar7_hosts_${column}_trgm`);
      }
      expect(plans[3]).toContain('beskar7_hosts_by_vendor');
    },
  );

  it.each(databases.eachSupportedId())(
    'lists the hosts written at or after an instant, oldest write first, on %p',
    async databaseId => {
      const knex = await seededDatabase(databaseId);
      const store = new HostStore(knex);
      const search = new HostSearch(knex);
      const before = await store.getByName('default', 'hpe-01');
      await new Promise(resolve => setTimeout(resolve, 5));
      const hpe = await store.update(before!.id, before!.version, {
        tags: ['nvme', 'gpu'],
      });
      await new Promise(resolve => setTimeout(resolve, 5));
      const dell = await store.getByName('default', 'dell-02');
      await store.update(dell!.id, dell!.version, { tags: [] });

      const since = (updatedSince: string) =>
        search.search({ updatedSince, orderBy: 'updatedAt' });

      // The bound is inclusive: a watch reading from the latest write it saw
      // misses nothing written in that same millisecond.
      const fromHpe = await since(hpe.updatedAt);
      expect(fromHpe.items.map(h => h.name)).toEqual(['hpe-01', 'dell-02']);
      expect(fromHpe.totalCount).toBe(2);
      expect(fromHpe.items[0]).toEqual(hpe);
      const later = new Date(Date.parse(hpe.updatedAt) + 1).toISOString();
      expect((await since(later)).items.map(h => h.name)).toEqual(['dell-02']);
      expect(
        (await search.search({ updatedSince: later, pool: 'general' })).items,
      ).toEqual([]);
      const future = new Date(Date.now() + 60_000).toISOString();
      expect(await since(future)).toMatchObject({ items: [], totalCount: 0 });
    },
  );

  it.each(
    databases.eachSupportedId().filter(([id]) => id.startsWith('POSTGRES')),
  )(
    'reads the hosts written since an instant through the write-order index on %p',
    async databaseId => {
      const knex = await seededDatabase(databaseId);
      const plans = await plansOf(
        knex,
        ['enable_sort = off', 'enable_seqscan = off'],
        async search => {
          await search.search({
            updatedSince: new Date().toISOString(),
            orderBy: 'updatedAt',
          });
        },
        sql => sql.includes(' as "page"'),
      );
      expect(plans).toHaveLength(1);
      expect(plans[0]).toMatch(
        /Index Only Scan using beskar7_hosts_by_updated_at\b/,
      );
      expect(plans[0]).toContain('Index Cond: (updated_at >=');
    },
  );

  it.each(
    databases.eachSupportedId().filter(([id]) => id.startsWith('POSTGRES')),
  )(
    'pages a descending sort through an index, not by sorting every host, on %p',
    async databaseId => {
      const knex = await seededDatabase(databaseId);
      // Forbid sorting to see whether an index serves the order.
      const plans = await plansOf(
        knex,
        ['enable_sort = off', 'enable_seqscan = off'],
        async search => {
          for (const orderBy of ['updatedAt', 'state', 'name'] as const) {
            await search.search({ orderBy, order: 'desc' });
          }
        },
        sql => sql.includes(' as "page"'),
      );
      expect(plans).toHaveLength(3);
      // The ascending sort indexes, read backwards.
      expect(plans[0]).toMatch(
        /Index Only Scan Backward using beskar7_hosts_by_updated_at\b/,
      );
      expect(plans[1]).toMatch(
        /Index Only Scan Backward using beskar7_hosts_by_state\b/,
      );
      expect(plans[2]).toMatch(
        /Index Only Scan Backward using beskar7_hosts_by_name\b/,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'summarises pools by state on %p',
    async databaseId => {
      const knex = await seededDatabase(databaseId);

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
