// @ts-check

/**
 * Guided runbook runs. Times are epoch milliseconds.
 *
 * - runs: one row per run; `version` is bumped by every change, and a step
 *   is claimed by a conditional update on it, so two replicas (or two
 *   clicks) never run the same step at once. `lease_expires_at_ms` marks a
 *   step in flight; a run whose lease lapsed was interrupted and resumes.
 * - step_results: every attempt of every step, with its verification and
 *   rollback, kept for the run history.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('beskar7_runbook_runs', table => {
    table.string('id').primary();
    table.string('runbook_id').notNullable();
    table.string('status').notNullable();
    table.boolean('dry_run').notNullable();
    table.string('started_by').notNullable();
    table.text('parameters').notNullable();
    table.integer('next_step_index').notNullable().defaultTo(0);
    table.integer('version').notNullable().defaultTo(0);
    table.bigInteger('lease_expires_at_ms').nullable();
    table.bigInteger('created_at_ms').notNullable();
    table.bigInteger('updated_at_ms').notNullable();
    table.bigInteger('finished_at_ms').nullable();
    table.index(['created_at_ms']);
    table.index(['runbook_id', 'created_at_ms']);
  });

  await knex.schema.createTable('beskar7_runbook_step_results', table => {
    table.increments('id').primary();
    table
      .string('run_id')
      .notNullable()
      .references('id')
      .inTable('beskar7_runbook_runs')
      .onDelete('CASCADE');
    table.integer('step_index').notNullable();
    table.string('step_id').notNullable();
    table.integer('attempt').notNullable();
    // running | passed | failed | skipped | acknowledged | interrupted
    table.string('status').notNullable();
    table.string('actor').notNullable();
    table.bigInteger('started_at_ms').notNullable();
    table.bigInteger('finished_at_ms').nullable();
    table.text('summary').nullable();
    table.text('data').nullable();
    table.text('error').nullable();
    table.boolean('verification_passed').nullable();
    table.text('verification_message').nullable();
    table.text('note').nullable();
    // rolled-back | rollback-failed | manual
    table.string('rollback_status').nullable();
    table.string('rollback_actor').nullable();
    table.bigInteger('rollback_at_ms').nullable();
    table.text('rollback_summary').nullable();
    table.unique(['run_id', 'step_index', 'attempt']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('beskar7_runbook_step_results');
  await knex.schema.dropTable('beskar7_runbook_runs');
};
