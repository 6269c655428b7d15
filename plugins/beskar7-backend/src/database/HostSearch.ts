import {
  HOST_STATES,
  Host,
  HostSortField,
  HostState,
  ListHostsQuery,
  Page,
  PoolSummary,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { vendorKeyOf } from '../redfish/vendors';
import { isPostgres } from './dialect';
import { HOSTS_TABLE, HostRow, rowToHost } from './hostRows';

const SORT_COLUMNS: Record<HostSortField, string> = {
  name: 'name',
  state: 'state',
  pool: 'pool',
  manufacturer: 'manufacturer',
  updatedAt: 'updated_at',
};

const HELD_STATES: HostState[] = ['Claimed', 'Provisioning', 'Provisioned'];

/**
 * The operator's view of the inventory: filtered, sorted, paginated in SQL
 * so that a fleet of tens of thousands of hosts costs one page per request.
 */
export class HostSearch {
  constructor(private readonly knex: Knex) {}

  /**
   * The page is chosen on narrow rows (ids in sort order, which the sort
   * indexes serve without reading a host), then only its hosts are read
   * whole: sorting whole rows spilled to disk on PostgreSQL for pages deep
   * in a large fleet. A first page shorter than the limit is its own total,
   * which spares filtered searches a second scan.
   */
  async search(
    query: ListHostsQuery,
    /** Only these hosts (a cluster's, say), when given. */
    onlyIds?: string[],
  ): Promise<Page<Host>> {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 50;
    const sortColumn = SORT_COLUMNS[query.orderBy ?? 'name'];
    // `desc` reverses the whole order, ties included: the sort indexes
    // serve it read backwards.
    const order = query.order ?? 'asc';
    const ordering = (table?: string) =>
      [
        { column: sortColumn, order },
        { column: 'namespace', order },
        { column: 'name', order },
      ].map(o => ({ ...o, column: table ? `${table}.${o.column}` : o.column }));
    const page = this.filtered(query, onlyIds)
      .select('id')
      .orderBy(ordering())
      .offset(offset)
      .limit(limit)
      .as('page');
    const rows: HostRow[] = await this.knex(HOSTS_TABLE)
      .join(page, 'page.id', `${HOSTS_TABLE}.id`)
      .select(`${HOSTS_TABLE}.*`)
      .orderBy(ordering(HOSTS_TABLE));
    const totalCount =
      offset === 0 && rows.length < limit
        ? rows.length
        : await this.count(query, onlyIds);
    return { items: rows.map(rowToHost), totalCount, offset, limit };
  }

  private async count(
    query: ListHostsQuery,
    onlyIds?: string[],
  ): Promise<number> {
    const [{ count }] = await this.filtered(query, onlyIds).count({
      count: '*',
    });
    return Number(count);
  }

  async poolSummaries(): Promise<PoolSummary[]> {
    const rows = (await this.knex(HOSTS_TABLE)
      .select('pool', 'state')
      .count({ count: '*' })
      .groupBy('pool', 'state')
      .orderBy('pool')) as Array<{
      pool: string;
      state: HostState;
      count: string | number;
    }>;
    const byPool = new Map<string, PoolSummary>();
    for (const row of rows) {
      let summary = byPool.get(row.pool);
      if (!summary) {
        summary = {
          pool: row.pool,
          total: 0,
          byState: Object.fromEntries(HOST_STATES.map(s => [s, 0])) as Record<
            HostState,
            number
          >,
          utilisation: 0,
        };
        byPool.set(row.pool, summary);
      }
      summary.byState[row.state] = Number(row.count);
      summary.total += Number(row.count);
    }
    for (const summary of byPool.values()) {
      const held = HELD_STATES.reduce((n, s) => n + summary.byState[s], 0);
      summary.utilisation = summary.total === 0 ? 0 : held / summary.total;
    }
    return [...byPool.values()];
  }

  private filtered(
    query: ListHostsQuery,
    onlyIds?: string[],
  ): Knex.QueryBuilder {
    const pg = isPostgres(this.knex);
    const q = this.knex<HostRow>(HOSTS_TABLE);
    if (onlyIds) q.whereIn('id', onlyIds);
    if (query.state?.length) q.whereIn('state', query.state);
    if (query.pool) q.where('pool', query.pool);
    if (query.updatedSince) {
      q.where('updated_at', '>=', new Date(query.updatedSince));
    }
    // The vendor the value names, as stored with each host: one index range.
    if (query.vendor) q.where('vendor', vendorKeyOf(query.vendor) ?? '');
    // Trigram indexes on these lower-cased columns serve it on PostgreSQL.
    if (query.text) {
      const pattern = `%${escapeLike(query.text.toLocaleLowerCase('en-US'))}%`;
      q.where(inner =>
        ['name', 'namespace', 'model', 'serial_number'].forEach(column =>
          inner.orWhereRaw(`lower(??) like ? escape '\\'`, [column, pattern]),
        ),
      );
    }
    // On PostgreSQL, containment on the columns cast to jsonb: the GIN indexes
    // on those expressions serve it.
    for (const tag of query.tags ?? []) {
      if (pg) {
        q.whereRaw('(tags::jsonb) @> ?::jsonb', [JSON.stringify([tag])]);
      } else {
        q.whereRaw('exists (select 1 from json_each(tags) where value = ?)', [
          tag,
        ]);
      }
    }
    for (const [key, value] of Object.entries(query.labels ?? {})) {
      if (pg) {
        q.whereRaw('(labels::jsonb) @> ?::jsonb', [
          JSON.stringify({ [key]: value }),
        ]);
      } else {
        q.whereRaw('json_extract(labels, ?) = ?', [jsonPath(key), value]);
      }
    }
    return q;
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, c => `\\${c}`);
}

// Quoted so that label keys with dots or slashes address one member.
function jsonPath(key: string): string {
  return `$."${key.replace(/"/g, '\\"')}"`;
}
