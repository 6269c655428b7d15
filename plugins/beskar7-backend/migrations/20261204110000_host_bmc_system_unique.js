// @ts-check

/**
 * A host is one Redfish ComputerSystem, registered once: the BMC's
 * normalised endpoint plus the system's Id is unique (`system_id` is empty
 * while a host registered by its bare BMC address has not been inspected).
 *
 * Existing duplicates are reported and the migration fails: which of two
 * hosts is the real one (which holds a machine, which the operators use) is
 * not something to guess. The normalisation is written out here, frozen,
 * because a migration must keep doing what it did when it first ran.
 */

/** @param {string} address */
function keyOf(address) {
  let url;
  try {
    url = new URL(address);
  } catch {
    return { endpoint: address, systemId: '' };
  }
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const path = url.pathname.replace(/\/+$/, '');
  const system = /^\/redfish\/v1\/Systems\/([^/]+)$/i.exec(path);
  return {
    endpoint: `${url.protocol}//${url.hostname}:${port}`,
    systemId: system ? decodeURIComponent(system[1]) : '',
  };
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.string('bmc_endpoint', 512).notNullable().defaultTo('');
    table.string('system_id', 255).notNullable().defaultTo('');
  });
  const rows = await knex('beskar7_hosts').select(
    'id',
    'namespace',
    'name',
    'bmc_address',
  );
  /** @type {Map<string, string[]>} */
  const groups = new Map();
  for (const row of rows) {
    const { endpoint, systemId } = keyOf(row.bmc_address);
    await knex('beskar7_hosts')
      .where({ id: row.id })
      .update({ bmc_endpoint: endpoint, system_id: systemId });
    const key = `${endpoint} system ${systemId ? `"${systemId}"` : '(first)'}`;
    groups.set(key, [
      ...(groups.get(key) ?? []),
      `${row.namespace}/${row.name} (${row.id})`,
    ]);
  }
  const duplicates = [...groups].filter(([, hosts]) => hosts.length > 1);
  if (duplicates.length) {
    throw new Error(
      `beskar7: ${
        duplicates.length
      } server(s) are registered as more than one host; delete all but one host of each (keep the one holding a machine), then start again: ${duplicates
        .map(([key, hosts]) => `${key}: ${hosts.join(', ')}`)
        .join('; ')}`,
    );
  }
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.unique(['bmc_endpoint', 'system_id'], {
      indexName: 'beskar7_hosts_bmc_system_unique',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.dropUnique([], 'beskar7_hosts_bmc_system_unique');
  });
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.dropColumn('bmc_endpoint');
    table.dropColumn('system_id');
  });
};
