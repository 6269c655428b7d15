// @ts-check

/**
 * A host's explicit opt-in to sending its BMC login over plain HTTP; without
 * it the backend sends no credential to an http:// BMC address.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.boolean('bmc_allow_plain_http').notNullable().defaultTo(false);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.dropColumn('bmc_allow_plain_http');
  });
};
