// @ts-check

/**
 * The power state last read from each host's BMC, shown in the API and the
 * UI (read at inspection, after provisioning and after deprovisioning).
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.string('power_state', 16).nullable();
    table.timestamp('power_state_observed_at', { useTz: true }).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.dropColumn('power_state');
    table.dropColumn('power_state_observed_at');
  });
};
