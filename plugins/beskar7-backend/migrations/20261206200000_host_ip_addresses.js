// @ts-check

/**
 * The IPv4 addresses a host's BMC reports for its interfaces (a JSON list),
 * read at inspection: what a Beskar7Machine gives Cluster API as InternalIP.
 * NULL until the host's next inspection, or when the BMC reports none.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.text('ip_addresses').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.dropColumn('ip_addresses');
  });
};
