import { Knex } from 'knex';

/** True when the Knex client talks to PostgreSQL (otherwise SQLite). */
export function isPostgres(knex: Knex): boolean {
  const client = knex.client.config.client;
  return client === 'pg' || client === 'postgres' || client === 'postgresql';
}

/**
 * The database's clock in epoch milliseconds, as a SQL expression. Leases use
 * it so that every replica compares times on one clock, whatever the skew
 * between the replicas' own clocks.
 */
export function databaseNowMsSql(knex: Knex): string {
  return isPostgres(knex)
    ? `(extract(epoch from clock_timestamp()) * 1000)::bigint`
    : `cast((julianday('now') - 2440587.5) * 86400000 as integer)`;
}
