// @ts-check

/**
 * A machine owned by a Cluster API Machine names the Secret holding its
 * bootstrap data (the Secret's name only: its content is read when the host
 * fetches it), and the host fetches it with a per-machine token kept here
 * hashed, until it expires or the host is released.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('beskar7_machines', table => {
    table.string('bootstrap_data_secret', 253).nullable();
  });
  await knex.schema.createTable('beskar7_bootstrap_tokens', table => {
    table.string('token_hash', 64).primary();
    table
      .string('machine_id')
      .notNullable()
      .references('id')
      .inTable('beskar7_machines')
      .onDelete('CASCADE');
    table.string('host_id').notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.index(['machine_id']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('beskar7_bootstrap_tokens');
  await knex.schema.alterTable('beskar7_machines', table => {
    table.dropColumn('bootstrap_data_secret');
  });
};
