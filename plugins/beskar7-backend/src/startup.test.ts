import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { beskar7Plugin } from './plugin';
import {
  createReplicaDatabases,
  createTestDatabases,
} from '@beskar7/backend-testing/database';

const databases = createTestDatabases();
const auth = { Authorization: mockCredentials.user.header() };
const HOSTS = 6;

const postgres = databases.supports('POSTGRES_15') ? describe : describe.skip;

postgres('Replicas starting together', () => {
  it('all start and serve on a fresh PostgreSQL database, sharing one simulated fleet', async () => {
    const replicas = await createReplicaDatabases(databases, 'POSTGRES_15', 3);
    // One replica serves the fleet at fixed ports; the others register it, as with `yarn simulator`.
    // Below Linux's ephemeral range (32768 on): ports other suites' sockets
    // get from the kernel land there, and one took a simulator port in CI.
    const basePort = 20_000 + Math.floor(Math.random() * (12_000 - HOSTS));
    const simulator = (external: boolean) => ({
      enabled: true,
      hosts: HOSTS,
      pool: 'lab',
      basePort,
      password: 'shared-simulator-password',
      external,
    });
    try {
      const backends = await Promise.all(
        replicas.clients.map((knex, i) =>
          startTestBackend({
            features: [
              beskar7Plugin,
              mockServices.database.factory({ knex }),
              mockServices.rootConfig.factory({
                data: { beskar7: { simulator: simulator(i > 0) } },
              }),
            ],
          }),
        ),
      );
      try {
        for (const { server } of backends) {
          const res = await request(server)
            .get('/api/beskar7/hosts?limit=500')
            .set(auth);
          expect(res.status).toBe(200);
          expect(res.body.totalCount).toBe(HOSTS);
          expect(
            (await request(server).get('/.backstage/health/v1/readiness'))
              .status,
          ).toBe(200);
        }
      } finally {
        await Promise.all(backends.map(b => b.stop()));
      }
    } finally {
      await replicas.close();
    }
  }, 120_000);
});
