import { mockServices } from '@backstage/backend-test-utils';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { applyDatabaseMigrations } from '../database/migrations';
import {
  createTestDatabases,
  DATABASE_IDS,
} from '@beskar7/backend-testing/database';
import { ProvisioningQueue } from './ProvisioningQueue';
import {
  insertHosts,
  testProvisioningConfig,
} from '@beskar7/backend-testing/queue';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const JOBS = 'beskar7_provisioning_jobs';

describe.each(DATABASE_IDS)(
  'the queue through a database outage on %s',
  databaseId => {
    // Found by the database drill: when PostgreSQL went away as a job ended,
    // reading the job back threw out of the worker loop; the rejection was
    // unhandled and took the replica down.
    it('keeps its worker when a job cannot record its end, and finishes the job after its lease', async () => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const [host] = await insertHosts(knex, { count: 1 });
      let runs = 0;
      const queue = new ProvisioningQueue({
        knex,
        config: testProvisioningConfig({
          workerCount: 1,
          leaseDurationMs: 500,
        }),
        logger: mockServices.logger.mock(),
        handler: {
          async run() {
            runs += 1;
            if (runs > 1) return;
            // The jobs table is gone as the first run ends, back 300 ms later.
            await knex.schema.renameTable(JOBS, `${JOBS}_away`);
            setTimeout(async () => {
              await knex.schema.renameTable(`${JOBS}_away`, JOBS);
            }, 300);
          },
          async giveUp() {},
        },
      });
      const { job } = await queue.enqueue({
        hostId: host.id,
        operation: 'inspect',
        bmcAddress: host.bmcAddress,
      });
      queue.start();
      try {
        await eventually(
          // While the table is away the read fails: not yet.
          async () =>
            (
              await knex(JOBS)
                .where({ id: job.id })
                .first()
                .catch(() => undefined)
            )?.status,
          status => status === 'succeeded',
          {
            what: 'the job to succeed once the jobs table is back',
            timeoutMs: 20_000,
          },
        );
      } finally {
        await queue.stop();
      }
      expect(runs).toBe(2);
    });
  },
);
