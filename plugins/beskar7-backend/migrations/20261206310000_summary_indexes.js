// @ts-check

/**
 * Indexes for the pool summary and the diagnostics report at 100,000 hosts
 * (issue 29):
 * - (pool, state): `GET /pools` counts hosts by pool and state from the
 *   index alone, already in pool order (it sorted 100,000 rows, on disk);
 * - on PostgreSQL, the hosts whose BMC may be reached over plain HTTP, a
 *   handful, by name (the check walked every host);
 * - host events by (to_state, created_at): the recent warnings the report
 *   shows are a range of it (it scanned every event, newest first).
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.index(['pool', 'state'], 'beskar7_hosts_by_pool_state');
  });
  await knex.schema.alterTable('beskar7_host_events', table => {
    table.index(['to_state', 'created_at'], 'beskar7_host_events_by_to_state');
  });
  if (knex.client.dialect !== 'postgresql') return;
  await knex.raw(
    'CREATE INDEX beskar7_hosts_plain_http ON beskar7_hosts (namespace, name) WHERE bmc_allow_plain_http',
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.dialect === 'postgresql') {
    await knex.raw('DROP INDEX beskar7_hosts_plain_http');
  }
  await knex.schema.alterTable('beskar7_host_events', table => {
    table.dropIndex([], 'beskar7_host_events_by_to_state');
  });
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.dropIndex([], 'beskar7_hosts_by_pool_state');
  });
};
