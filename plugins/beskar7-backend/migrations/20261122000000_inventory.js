// @ts-check

/**
 * Hosts, machines and the host state history. The unique constraints on
 * hosts.consumer_id and machines.host_id make a double claim impossible even
 * if the claim code is wrong.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('beskar7_hosts', table => {
    table.string('id').primary();
    table.string('name').notNullable();
    table.string('namespace').notNullable();
    table.string('pool').notNullable();
    table.text('labels').notNullable().defaultTo('{}');
    table.text('tags').notNullable().defaultTo('[]');
    table.string('failure_domain').nullable();
    table.string('manufacturer').nullable();
    table.string('model').nullable();
    table.string('serial_number').nullable();
    table.integer('cpu_cores').nullable();
    table.integer('memory_gib').nullable();
    table.integer('disk_gib').nullable();
    table.text('mac_addresses').notNullable().defaultTo('[]');
    table.string('bmc_address', 2048).notNullable();
    table.string('credentials_ref').notNullable();
    table.boolean('insecure_skip_verify').notNullable().defaultTo(false);
    table.string('ca_bundle_ref').nullable();
    table.string('state').notNullable();
    table.text('error_message').nullable();
    table.string('consumer_id').nullable().unique();
    table.integer('version').notNullable().defaultTo(0);
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.unique(['namespace', 'name']);
    table.index(['state', 'pool']);
  });

  await knex.schema.createTable('beskar7_machines', table => {
    table.string('id').primary();
    table.string('name').notNullable();
    table.string('namespace').notNullable();
    table.text('requirements').notNullable().defaultTo('{}');
    table.string('image_url', 2048).notNullable();
    table.string('config_url', 2048).nullable();
    table.string('os_family').notNullable();
    table.string('provisioning_mode').notNullable();
    table.string('boot_mode').notNullable();
    table.string('phase').notNullable();
    table
      .string('host_id')
      .nullable()
      .unique()
      .references('id')
      .inTable('beskar7_hosts')
      .onDelete('SET NULL');
    table.text('failure_reason').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.unique(['namespace', 'name']);
    table.index(['phase']);
  });

  await knex.schema.createTable('beskar7_host_events', table => {
    table.bigIncrements('id').primary();
    table
      .string('host_id')
      .notNullable()
      .references('id')
      .inTable('beskar7_hosts')
      .onDelete('CASCADE');
    table.string('from_state').nullable();
    table.string('to_state').notNullable();
    table.string('reason').notNullable();
    table.text('message').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['host_id', 'id']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('beskar7_host_events');
  await knex.schema.dropTable('beskar7_machines');
  await knex.schema.dropTable('beskar7_hosts');
};
