// @ts-check

/**
 * Leader-mode claim coordination: named leases (one row per lease, times in
 * epoch milliseconds of the database's clock, a fencing token bumped by
 * every change of holder) and the queue of claim requests the leader serves.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('beskar7_leases', table => {
    table.string('name').primary();
    table.string('holder_id').nullable();
    table.bigInteger('fencing_token').notNullable().defaultTo(0);
    table.bigInteger('acquired_at_ms').notNullable().defaultTo(0);
    table.bigInteger('renewed_at_ms').notNullable().defaultTo(0);
    table.bigInteger('expires_at_ms').notNullable().defaultTo(0);
  });

  await knex.schema.createTable('beskar7_claim_requests', table => {
    table
      .string('machine_id')
      .primary()
      .references('id')
      .inTable('beskar7_machines')
      .onDelete('CASCADE');
    table.string('requested_by').notNullable();
    // null while pending; 'no_hosts' when the leader found nothing eligible.
    // Granted requests are deleted: the machine row then holds the host.
    table.string('outcome').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('resolved_at', { useTz: true }).nullable();
    table.index(['outcome', 'created_at']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('beskar7_claim_requests');
  await knex.schema.dropTable('beskar7_leases');
};
