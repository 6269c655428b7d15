// @ts-check

/**
 * Fewer indexes on the hosts table, which every claim writes: a host row
 * that changes state gets a new entry in each of its indexes, and those
 * inserts were a third of the database's CPU in a claim race (issue 29,
 * docs/benchmarks.md).
 * - The descending sort indexes go: the host list now reverses its whole
 *   order for `desc` (ties by namespace and name included), which the
 *   ascending indexes serve read backwards.
 * - (state, pool) goes: a state alone is served by the (state, namespace,
 *   name, id) sort index, a pool with or without a state by (pool, state).
 */
const SORT_KEYS = ['name', 'state', 'pool', 'manufacturer', 'updated_at'];

/** @param {string} key */
const descColumns = key =>
  key === 'name'
    ? 'name DESC, namespace, id'
    : `${key} DESC, namespace, name, id`;

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  for (const key of SORT_KEYS) {
    await knex.raw(`DROP INDEX beskar7_hosts_by_${key}_desc`);
  }
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.dropIndex([], 'beskar7_hosts_state_pool_index');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.index(['state', 'pool'], 'beskar7_hosts_state_pool_index');
  });
  for (const key of SORT_KEYS) {
    await knex.raw(
      `CREATE INDEX beskar7_hosts_by_${key}_desc ON beskar7_hosts (${descColumns(
        key,
      )})`,
    );
  }
};
