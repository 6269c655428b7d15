import { mockServices } from '@backstage/backend-test-utils';
import { HostStore } from '../database/HostStore';
import { HOSTS_TABLE } from '../database/hostRows';
import { applyDatabaseMigrations } from '../database/migrations';
import { ProvisioningQueue } from '../queue/ProvisioningQueue';
import {
  insertHosts,
  testProvisioningConfig,
} from '@beskar7/backend-testing/queue';
import {
  createTestDatabases,
  DATABASE_IDS,
} from '@beskar7/backend-testing/database';
import { enqueueFor } from './enqueueFor';

const databases = createTestDatabases();

describe.each(DATABASE_IDS)('enqueueFor on %s', databaseId => {
  // Found by the replica kill drill: a reconciler read a host in
  // Provisioning, its job finished, then the reconciler saw no active job
  // and queued a second provisioning of a Provisioned host.
  it('queues nothing for a host that changed after it was read', async () => {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    const [{ id }] = await insertHosts(knex, { count: 1, state: 'Claimed' });
    const hosts = new HostStore(knex);
    const queue = new ProvisioningQueue({
      knex,
      config: testProvisioningConfig(),
      logger: mockServices.logger.mock(),
      handler: { run: async () => {}, giveUp: async () => {} },
    });
    const logger = mockServices.logger.mock();

    const stale = (await hosts.get(id))!;
    await hosts.updateState(id, stale.version, {
      to: 'Provisioning',
      reason: 'ProvisioningStarted',
    });
    expect(await enqueueFor(queue, logger, stale, 'provision')).toBeUndefined();
    expect(await queue.listJobs({ hostId: id })).toEqual([]);

    const fresh = (await hosts.get(id))!;
    const job = await enqueueFor(queue, logger, fresh, 'provision');
    expect(job).toMatchObject({ hostId: id, operation: 'provision' });
    expect(await queue.listJobs({ hostId: id })).toHaveLength(1);
  });

  it('labels the job with the vendor detected at inspection, not the manufacturer string', async () => {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    const [cray, fresh] = await insertHosts(knex, {
      count: 2,
      state: 'Enrolling',
    });
    // An HPE Cray blade: HPE by name, generic Redfish by its manager.
    await knex(HOSTS_TABLE)
      .where({ id: cray.id })
      .update({ manufacturer: 'HPE', bmc_vendor: 'generic' });
    const hosts = new HostStore(knex);
    const queue = new ProvisioningQueue({
      knex,
      config: testProvisioningConfig(),
      logger: mockServices.logger.mock(),
      handler: { run: async () => {}, giveUp: async () => {} },
    });
    const logger = mockServices.logger.mock();
    const vendorOf = async (id: string) =>
      (await enqueueFor(queue, logger, (await hosts.get(id))!, 'inspect'))
        ?.vendor;
    expect(await vendorOf(cray.id)).toBe('generic');
    // Not inspected yet: no vendor (the metrics say unknown), not a guess.
    expect(await vendorOf(fresh.id)).toBeUndefined();
  });
});
