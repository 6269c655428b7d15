// @ts-check

/**
 * What a host's BMC offers for provisioning, read at inspection (JSON
 * lists): the media types of its virtual media devices, and the allowable
 * boot override targets and modes of its ComputerSystem (NULL: the BMC
 * lists none). `virtual_media_types` NULL means not read yet; the claim
 * filter then lets the host through as before. `bmc_vendor`: the id of the
 * vendor quirks detected at inspection (redfish/vendors.ts detectVendor,
 * e.g. dell-idrac, generic), the vendor label of the queue's metrics and
 * cooldowns; not the search's `vendor`, which is what the manufacturer names.
 *
 * Available hosts were inspected without reading these, and a blade with no
 * CD/DVD drive among them would be claimed for an ISO machine: they go back
 * to Enrolling (recorded as a host event) so the reconciler inspects them
 * again. Hosts in use keep going; they are read at their next inspection.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.text('virtual_media_types').nullable();
    table.text('boot_source_targets').nullable();
    table.text('boot_source_modes').nullable();
    table.string('bmc_vendor', 64).nullable();
  });
  const now = new Date();
  const hosts = await knex('beskar7_hosts')
    .where({ state: 'Available' })
    .whereNull('consumer_id')
    .select('id');
  for (let i = 0; i < hosts.length; i += 500) {
    const ids = hosts.slice(i, i + 500).map(h => h.id);
    await knex('beskar7_hosts')
      .whereIn('id', ids)
      .where({ state: 'Available' })
      .update({
        state: 'Enrolling',
        version: knex.raw('version + 1'),
        updated_at: now,
      });
    await knex('beskar7_host_events').insert(
      ids.map(id => ({
        host_id: id,
        from_state: 'Available',
        to_state: 'Enrolling',
        reason: 'CapabilitiesUnknown',
        message:
          'inspected again to read its virtual media and boot capabilities',
        created_at: now,
      })),
    );
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('beskar7_hosts', table => {
    table.dropColumn('virtual_media_types');
    table.dropColumn('boot_source_targets');
    table.dropColumn('boot_source_modes');
    table.dropColumn('bmc_vendor');
  });
};
