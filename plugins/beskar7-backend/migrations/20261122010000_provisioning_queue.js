// @ts-check

/** Upper bound of maxConcurrentOps: one slot row per operation allowed at once. */
const SLOT_COUNT = 20;

/**
 * The durable provisioning queue. Times are epoch milliseconds of the
 * database's clock, so that replicas compare leases on one clock.
 *
 * - jobs: one row per operation on a host; at most one queued or running
 *   job per host (partial unique index), so an operation never runs twice
 *   at once on one host.
 * - slots: maxConcurrentOps is enforced by leasing one of these rows per
 *   running job (a conditional update on one row is atomic on PostgreSQL
 *   and SQLite, unlike a count followed by an insert).
 * - bmcs: per-BMC lease and the time its cooldown ends.
 * - state: the queue's pause and drain switches, shared by all replicas;
 *   its row lock also serialises enqueues, so maxQueueSize holds exactly.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('beskar7_provisioning_jobs', table => {
    table.string('id').primary();
    table
      .string('host_id')
      .notNullable()
      .references('id')
      .inTable('beskar7_hosts')
      .onDelete('CASCADE');
    table.string('machine_id').nullable();
    table.string('operation').notNullable();
    table.string('bmc_address', 2048).notNullable();
    table.string('vendor').nullable();
    // queued | running | succeeded | failed | cancelled
    table.string('status').notNullable();
    table.integer('attempt').notNullable().defaultTo(0);
    table.integer('max_attempts').notNullable();
    table.string('owner_id').nullable();
    table.string('lease_token').nullable();
    table.bigInteger('lease_expires_at_ms').nullable();
    table.bigInteger('not_before_ms').notNullable();
    table.text('last_error').nullable();
    table.bigInteger('created_at_ms').notNullable();
    table.bigInteger('started_at_ms').nullable();
    table.bigInteger('finished_at_ms').nullable();
    table.index(['status', 'not_before_ms']);
    table.index(['host_id', 'created_at_ms']);
  });
  await knex.raw(
    `CREATE UNIQUE INDEX beskar7_provisioning_jobs_one_active_per_host
       ON beskar7_provisioning_jobs (host_id)
       WHERE status IN ('queued', 'running')`,
  );

  await knex.schema.createTable('beskar7_provisioning_slots', table => {
    table.integer('slot').primary();
    table.string('lease_token').nullable();
    table.bigInteger('lease_expires_at_ms').notNullable().defaultTo(0);
  });
  await knex('beskar7_provisioning_slots').insert(
    Array.from({ length: SLOT_COUNT }, (_, slot) => ({ slot })),
  );

  await knex.schema.createTable('beskar7_provisioning_bmcs', table => {
    table.string('bmc_address', 2048).primary();
    table.string('lease_token').nullable();
    table.bigInteger('lease_expires_at_ms').notNullable().defaultTo(0);
    table.bigInteger('cooldown_ms').notNullable().defaultTo(0);
    table.bigInteger('available_at_ms').notNullable().defaultTo(0);
  });

  await knex.schema.createTable('beskar7_provisioning_queue_state', table => {
    table.integer('id').primary();
    table.boolean('paused').notNullable().defaultTo(false);
    table.boolean('draining').notNullable().defaultTo(false);
    table.bigInteger('enqueued_total').notNullable().defaultTo(0);
  });
  await knex('beskar7_provisioning_queue_state').insert({ id: 1 });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('beskar7_provisioning_queue_state');
  await knex.schema.dropTable('beskar7_provisioning_bmcs');
  await knex.schema.dropTable('beskar7_provisioning_slots');
  await knex.schema.dropTable('beskar7_provisioning_jobs');
};
