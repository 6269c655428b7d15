// @ts-check

/**
 * Host lists sorted descending: the list orders by (key DESC, namespace,
 * name), which the ascending sort indexes cannot serve (read backwards they
 * give namespace and name descending too), so every such page sorted all the
 * hosts. One index per key in that mixed order; plain SQL, as both
 * PostgreSQL and SQLite take column directions in CREATE INDEX.
 */
const SORT_KEYS = ['name', 'state', 'pool', 'manufacturer', 'updated_at'];

/** @param {string} key */
const columns = key =>
  key === 'name'
    ? 'name DESC, namespace, id'
    : `${key} DESC, namespace, name, id`;

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  for (const key of SORT_KEYS) {
    await knex.raw(
      `CREATE INDEX beskar7_hosts_by_${key}_desc ON beskar7_hosts (${columns(
        key,
      )})`,
    );
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const key of SORT_KEYS) {
    await knex.raw(`DROP INDEX beskar7_hosts_by_${key}_desc`);
  }
};
