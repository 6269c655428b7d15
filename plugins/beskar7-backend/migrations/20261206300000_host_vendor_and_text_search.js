// @ts-check

/**
 * Host search at 100,000 hosts (issue 29):
 * - `vendor`: the vendor a host's manufacturer names, one lower-case word
 *   (redfish/vendors.ts vendorKeyOf), indexed with the list's default order
 *   (name, namespace, id), so `GET /hosts?vendor=` reads one index range
 *   instead of scanning every row's manufacturer. Existing rows get it here,
 *   from the vendor table as it was when this migration was written (kept
 *   in this file: a migration must not change with later code).
 * - on PostgreSQL, trigram GIN indexes (pg_trgm) on the lower-cased columns
 *   the free-text search matches, which serve `lower(col) LIKE '%...%'`.
 *   The extension is created when the server offers it and the role may;
 *   otherwise the search keeps scanning, and the migration says so.
 */
/** @type {Array<[string, RegExp]>} */
const VENDOR_FAMILIES = [
  ['dell', /\bdell\b/i],
  ['hpe', /\bhpe?\b|hewlett/i],
  ['lenovo', /lenovo/i],
  ['supermicro', /supermicro/i],
  ['ami', /\bami\b|american megatrends|megarac/i],
];
const TEXT_COLUMNS = ['name', 'namespace', 'model', 'serial_number'];

/** @param {string | null} manufacturer */
function vendorKeyOf(manufacturer) {
  if (!manufacturer || !manufacturer.trim()) return null;
  const family = VENDOR_FAMILIES.find(([, match]) => match.test(manufacturer));
  if (family) return family[0];
  return manufacturer.toLowerCase().match(/[\p{L}\p{N}]+/u)?.[0] ?? null;
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.string('vendor', 63).nullable();
  });
  const manufacturers = await knex('beskar7_hosts')
    .distinct('manufacturer')
    .whereNotNull('manufacturer');
  for (const { manufacturer } of manufacturers) {
    const vendor = vendorKeyOf(manufacturer);
    if (vendor) {
      await knex('beskar7_hosts').where({ manufacturer }).update({ vendor });
    }
  }
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.index(
      ['vendor', 'name', 'namespace', 'id'],
      'beskar7_hosts_by_vendor',
    );
  });
  if (knex.client.dialect !== 'postgresql') return;
  if (!(await trigramsAvailable(knex))) {
    // eslint-disable-next-line no-console
    console.warn(
      'beskar7: pg_trgm is not available to this role; host text search scans the hosts table (docs/benchmarks.md)',
    );
    return;
  }
  for (const column of TEXT_COLUMNS) {
    await knex.raw(
      `CREATE INDEX beskar7_hosts_${column}_trgm ON beskar7_hosts USING gin (lower(${column}) gin_trgm_ops)`,
    );
  }
};

/**
 * Creates pg_trgm if it is not there yet, in a savepoint: a server without
 * it, or a role that may not create it, must not fail the migration.
 * @param {import('knex').Knex} knex
 */
async function trigramsAvailable(knex) {
  try {
    await knex.transaction(async sp => {
      await sp.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    });
    return true;
  } catch {
    return false;
  }
}

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.dialect === 'postgresql') {
    for (const column of TEXT_COLUMNS) {
      await knex.raw(`DROP INDEX IF EXISTS beskar7_hosts_${column}_trgm`);
    }
  }
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.dropIndex([], 'beskar7_hosts_by_vendor');
    table.dropColumn('vendor');
  });
};
