// @ts-check

/**
 * When a host was asked to leave the inventory while a machine held it (its
 * PhysicalHost deleted): such a host is never claimed again, and it is
 * removed once released.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.timestamp('removal_requested_at', { useTz: true }).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.dropColumn('removal_requested_at');
  });
};
