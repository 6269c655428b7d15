import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import { DuplicateHostError } from '../database/errors';
import { HostStore } from '../database/HostStore';
import { migrationsDir, MIGRATIONS_TABLE } from '../database/migrations';
import { beskar7Plugin } from '../plugin';
import {
  createTestDatabases,
  migrateUpTo,
} from '@beskar7/backend-testing/database';

const databases = createTestDatabases();
const auth = { Authorization: mockCredentials.user.header() };
const register = (name: string, address: string) => ({
  name,
  pool: 'lab',
  bmc: { address, credentialsRef: 'rack-a' },
});

describe.each(databases.eachSupportedId())(
  'one server, one host, on %p',
  databaseId => {
    let knex: Knex;
    let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      ({ server } = await startTestBackend({
        features: [
          beskar7Plugin,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({ data: {} }),
        ],
      }));
      // No BMC work: these addresses lead nowhere.
      await request(server).post('/api/beskar7/queue/pause').set(auth);
    });

    const post = (body: object) =>
      request(server).post('/api/beskar7/hosts').set(auth).send(body);

    it('refuses a BMC address registered again in another spelling, naming the host', async () => {
      const first = await post(register('first', 'https://BMC-7.Example/'));
      expect(first.status).toBe(201);
      for (const spelling of [
        'https://bmc-7.example',
        'HTTPS://bmc-7.example:443',
        'https://bmc-7.example/redfish/v1/',
      ]) {
        const again = await post(
          register(`again-${spelling.length}`, spelling),
        );
        expect([spelling, again.status]).toEqual([spelling, 409]);
        expect(again.body.error.message).toContain(
          `host default/first (${first.body.id})`,
        );
      }
      // Another port is another service.
      expect(
        (await post(register('other-port', 'https://bmc-7.example:8443')))
          .status,
      ).toBe(201);
    });

    it('refuses one system of a BMC registered twice, and takes its other systems', async () => {
      const a = await post(
        register('blade-a', 'https://chassis-1.example/redfish/v1/Systems/A'),
      );
      expect(a.status).toBe(201);
      expect(a.body.systemId).toBe('A');
      const again = await post(
        register(
          'blade-a2',
          'https://CHASSIS-1.example:443/redfish/v1/Systems/A/',
        ),
      );
      expect(again.status).toBe(409);
      expect(again.body.error.message).toMatch(
        /System A of BMC https:\/\/chassis-1\.example:443 is registered already as host default\/blade-a/,
      );
      expect(
        (
          await post(
            register(
              'blade-b',
              'https://chassis-1.example/redfish/v1/Systems/B',
            ),
          )
        ).status,
      ).toBe(201);
    });

    it('refuses an address that is no BMC or system address, naming the field', async () => {
      const res = await post(
        register('odd', 'https://bmc-9.example/redfish/v1/Managers/1'),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /bmc\.address: path must be empty or \/redfish\/v1\/Systems\/<id>/,
      );
    });

    it('holds below the API too: the unique index refuses any writer', async () => {
      const store = new HostStore(knex);
      const error = await store
        .create({
          name: 'direct',
          namespace: 'other',
          pool: 'lab',
          bmc: { address: 'https://bmc-7.example', credentialsRef: 'x' },
        })
        .catch(e => e);
      expect(error).toBeInstanceOf(DuplicateHostError);
      expect(error.existing).toMatchObject({
        namespace: 'default',
        name: 'first',
      });
    });
  },
);

describe.each(databases.eachSupportedId())(
  'the unique-server migration on %p',
  databaseId => {
    it('reports existing duplicates and refuses to guess, then runs once they are gone', async () => {
      const knex = await databases.init(databaseId);
      const config = { directory: migrationsDir, tableName: MIGRATIONS_TABLE };
      await migrateUpTo(knex, '20261204110000_host_bmc_system_unique.js');
      const row = (id: string, name: string, address: string) => ({
        id,
        name,
        namespace: 'default',
        pool: 'lab',
        labels: '{}',
        tags: '[]',
        mac_addresses: '[]',
        bmc_address: address,
        credentials_ref: 'x',
        insecure_skip_verify: false,
        state: 'Available',
        version: 0,
        created_at: new Date(),
        updated_at: new Date(),
      });
      await knex('beskar7_hosts').insert([
        row('h1', 'one', 'https://BMC-1.example'),
        row('h2', 'two', 'https://bmc-1.example:443/'),
        row('h3', 'three', 'https://bmc-2.example/redfish/v1/Systems/1'),
      ]);
      await expect(knex.migrate.latest(config)).rejects.toThrow(
        /1 server\(s\) are registered as more than one host.*https:\/\/bmc-1\.example:443 system \(first\): default\/one \(h1\), default\/two \(h2\)/,
      );
      // Nothing was changed by the refused migration.
      expect(await knex('beskar7_hosts').count({ n: '*' })).toEqual([
        { n: expect.anything() },
      ]);
      await knex('beskar7_hosts').where({ id: 'h2' }).delete();
      await knex.migrate.latest(config);
      expect(
        await knex('beskar7_hosts')
          .select('id', 'bmc_endpoint', 'system_id')
          .orderBy('id'),
      ).toEqual([
        { id: 'h1', bmc_endpoint: 'https://bmc-1.example:443', system_id: '' },
        { id: 'h3', bmc_endpoint: 'https://bmc-2.example:443', system_id: '1' },
      ]);
    }, 60_000);
  },
);
