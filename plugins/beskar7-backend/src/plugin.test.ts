import { startTestBackend, mockServices } from '@backstage/backend-test-utils';
import request from 'supertest';
import { beskar7Plugin } from './plugin';
import { createTestDatabases } from '@beskar7/backend-testing/database';

const databases = createTestDatabases();

describe('beskar7 backend plugin', () => {
  it.each(databases.eachSupportedId())(
    'migrates its database and reports health on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [beskar7Plugin, mockServices.database.factory({ knex })],
      });

      const res = await request(server).get('/api/beskar7/health');

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: 'ok',
        database: {
          client: databaseId === 'SQLITE_3' ? 'better-sqlite3' : 'pg',
          reachable: true,
          latencyMs: expect.any(Number),
        },
        version: '0.1.0',
      });
      expect(await knex.schema.hasTable('beskar7_hosts')).toBe(true);
      expect(await knex.schema.hasTable('beskar7_machines')).toBe(true);
    },
  );
});
