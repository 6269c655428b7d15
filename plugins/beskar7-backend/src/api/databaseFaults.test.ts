import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { knex as createKnex, Knex } from 'knex';
import request from 'supertest';
import { beskar7Plugin } from '../plugin';
import { createTestDatabases } from '@beskar7/backend-testing/database';

const databases = createTestDatabases();
const auth = { Authorization: mockCredentials.user.header() };
const machine = {
  name: 'worker-0',
  imageUrl: 'https://images.example/kairos.iso',
  osFamily: 'flatcar',
  provisioningMode: 'PXE',
};

const postgres = databases.supports('POSTGRES_15') ? describe : describe.skip;

postgres('REST API while PostgreSQL refuses connections', () => {
  let knex: Knex;
  let admin: Knex;
  let name: string;

  beforeAll(async () => {
    knex = await databases.init('POSTGRES_15');
    const connection = knex.client.config.connection as Knex.PgConnectionConfig;
    name = connection.database!;
    admin = createKnex({
      client: 'pg',
      connection: { ...connection, database: 'postgres' },
      pool: { min: 0, max: 1 },
    });
  });
  afterAll(async () => {
    await admin.raw(`alter database "${name}" allow_connections true`);
    await admin.destroy();
  });

  /** What PostgreSQL does while it is failed over or shut down: drops every session and takes no new one. */
  async function refuseConnections(refuse: boolean) {
    await admin.raw(`alter database "${name}" allow_connections ${!refuse}`);
    if (refuse) {
      await admin.raw(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = ? and pid <> pg_backend_pid()',
        [name],
      );
    }
  }

  it('answers a write 503 with Retry-After, never 500, and the retry succeeds', async () => {
    const { server } = await startTestBackend({
      features: [beskar7Plugin, mockServices.database.factory({ knex })],
    });
    await request(server).post('/api/beskar7/queue/pause').set(auth);

    await refuseConnections(true);
    const during = await request(server)
      .post('/api/beskar7/machines')
      .set(auth)
      .send(machine);
    expect(during.status).toBe(503);
    expect(during.headers['retry-after']).toBe('5');
    expect(during.body.error).toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringContaining('retry it later'),
    });
    const read = await request(server).get('/api/beskar7/hosts').set(auth);
    expect(read.status).toBe(503);

    await refuseConnections(false);
    const retried = await request(server)
      .post('/api/beskar7/machines')
      .set(auth)
      .send(machine);
    expect([200, 201]).toContain(retried.status);
  }, 60_000);
});
