// @ts-check

/**
 * One row per running backend replica, refreshed by its heartbeat, so that
 * any replica can tell operators how many run and which one leads.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('beskar7_replicas', table => {
    table.string('id').primary();
    table.string('coordination_mode').notNullable();
    table.boolean('believes_leader').notNullable().defaultTo(false);
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('last_seen_at', { useTz: true }).notNullable();
    table.index(['last_seen_at']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('beskar7_replicas');
};
