// @ts-check

/**
 * A host is one physical server whatever its BMC is called: what the
 * ComputerSystem says it is (its UUID, else serial number with manufacturer
 * and model; see redfish/systemIdentity) is unique, when known.
 *
 * Hosts registered before this were inspected without reading the UUID, so
 * their identity is unknown (NULL) until their next inspection; the
 * registration check matches them by serial number, manufacturer and model
 * meanwhile. Existing hosts that already share a real serial number with
 * the same manufacturer and model are reported and the migration fails:
 * which of them is the real one (which holds a machine) is not for a
 * migration to guess. The placeholder list is frozen here, as it was when
 * this first ran.
 */

// A deliberate copy of redfish/systemIdentity's list and text(): a migration
// imports no product code, which changes after it has run.
const PLACEHOLDER_SERIALS = new Set([
  'default string',
  'to be filled by o.e.m.',
  'not specified',
  'not available',
  'system serial number',
  'none',
  'n/a',
  'na',
  'unknown',
  '0123456789',
]);

/** @param {unknown} value */
function text(value) {
  return typeof value === 'string'
    ? value.trim().replace(/\s+/g, ' ').toLowerCase()
    : '';
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  const rows = await knex('beskar7_hosts').select(
    'id',
    'namespace',
    'name',
    'manufacturer',
    'model',
    'serial_number',
  );
  /** @type {Map<string, string[]>} */
  const groups = new Map();
  for (const row of rows) {
    const serial = text(row.serial_number);
    if (!serial || PLACEHOLDER_SERIALS.has(serial) || /^(.)\1*$/.test(serial))
      continue;
    const key = `serial number ${row.serial_number} (${[
      row.manufacturer,
      row.model,
    ]
      .filter(Boolean)
      .join(' ')})`;
    const group = `${text(row.manufacturer)}/${text(row.model)}/${serial}`;
    const hosts = groups.get(group) ?? [key];
    groups.set(group, [...hosts, `${row.namespace}/${row.name} (${row.id})`]);
  }
  const duplicates = [...groups.values()].filter(g => g.length > 2);
  if (duplicates.length) {
    throw new Error(
      `beskar7: ${
        duplicates.length
      } server(s) are registered as more than one host under different BMC addresses; delete all but one host of each (keep the one holding a machine), then start again: ${duplicates
        .map(([key, ...hosts]) => `${key}: ${hosts.join(', ')}`)
        .join('; ')}`,
    );
  }
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.string('system_identity', 600).nullable();
    table.unique(['system_identity'], {
      indexName: 'beskar7_hosts_system_identity_unique',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.dropUnique([], 'beskar7_hosts_system_identity_unique');
  });
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.dropColumn('system_identity');
  });
};
