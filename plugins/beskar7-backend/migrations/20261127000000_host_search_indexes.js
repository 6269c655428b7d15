// @ts-check

/**
 * Indexes for the host list at fleet scale (see the scale run in
 * docs/benchmarks.md):
 * - one per sort order (key, namespace, name, id): the page's ids come from
 *   an index-only scan instead of sorting every host (40-60 ms at 10,000
 *   hosts on PostgreSQL, with the sort spilling to disk for deep pages);
 * - on PostgreSQL, GIN indexes on the JSON columns cast to jsonb, the
 *   expressions HostSearch's label and tag containment filters use (every
 *   such request cast and scanned every row, about 35 ms).
 */
const SORT_KEYS = ['name', 'state', 'pool', 'manufacturer', 'updated_at'];

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('beskar7_hosts', table => {
    for (const key of SORT_KEYS) {
      table.index(
        key === 'name'
          ? ['name', 'namespace', 'id']
          : [key, 'namespace', 'name', 'id'],
        `beskar7_hosts_by_${key}`,
      );
    }
  });
  if (knex.client.dialect !== 'postgresql') return;
  await knex.raw(
    'CREATE INDEX beskar7_hosts_labels_jsonb ON beskar7_hosts USING gin ((labels::jsonb) jsonb_path_ops)',
  );
  await knex.raw(
    'CREATE INDEX beskar7_hosts_tags_jsonb ON beskar7_hosts USING gin ((tags::jsonb) jsonb_path_ops)',
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.dialect === 'postgresql') {
    await knex.raw('DROP INDEX beskar7_hosts_labels_jsonb');
    await knex.raw('DROP INDEX beskar7_hosts_tags_jsonb');
  }
  await knex.schema.alterTable('beskar7_hosts', table => {
    for (const key of SORT_KEYS) table.dropIndex([], `beskar7_hosts_by_${key}`);
  });
};
