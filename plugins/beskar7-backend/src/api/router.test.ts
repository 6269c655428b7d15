import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { createClaimCoordinator } from '../claims';
import { HostStore } from '../database/HostStore';
import { createBeskar7Metrics } from '../metrics';
import { beskar7Plugin } from '../plugin';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import { specCheckedServer } from '@beskar7/backend-testing/http';
import { seenAuditEvents } from '@beskar7/backend-testing/runbooks';

const databases = createTestDatabases();
const auth = { Authorization: mockCredentials.user.header() };

const host = {
  name: 'node-1',
  pool: 'gpu',
  tags: ['gpu'],
  bmc: { address: 'https://10.0.0.1', credentialsRef: 'rack-a' },
};
const machine = {
  name: 'worker-0',
  imageUrl: 'https://images.example/kairos.iso',
  configUrl: 'https://config.example/worker.yaml',
  osFamily: 'kairos',
  provisioningMode: 'RemoteConfig',
  requirements: { pool: 'gpu' },
};

async function startBackend(
  knex: Knex,
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
  auditor = mockServices.auditor.mock(),
) {
  const { server } = await startTestBackend({
    features: [
      beskar7Plugin,
      mockServices.database.factory({ knex }),
      mockServices.permissions.factory({ result }),
      auditor.factory,
    ],
  });
  return server;
}

describe.each(databases.eachSupportedId())('REST API on %p', databaseId => {
  let knex: Knex;
  /** The backend itself, for routes the spec does not describe. */
  let backend: Awaited<ReturnType<typeof startBackend>>;
  /** The backend behind the spec's check of every response. */
  let server: Awaited<ReturnType<typeof specCheckedServer>>;

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    backend = await startBackend(knex);
    server = await specCheckedServer(backend);
    // No BMC work in these tests: the hosts' addresses lead nowhere.
    const paused = await request(server)
      .post('/api/beskar7/queue/pause')
      .set(auth);
    if (!paused.body.paused) throw new Error('the queue did not pause');
  });

  it('registers, finds, describes and updates a host', async () => {
    const created = await request(server)
      .post('/api/beskar7/hosts')
      .set(auth)
      .send(host);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'node-1',
      namespace: 'default',
      pool: 'gpu',
      state: 'Enrolling',
      bmc: {
        address: 'https://10.0.0.1',
        credentialsRef: 'rack-a',
        insecureSkipVerify: false,
      },
    });

    const list = await request(server)
      .get('/api/beskar7/hosts?pool=gpu&tag=gpu&state=Enrolling')
      .set(auth);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ totalCount: 1, offset: 0, limit: 50 });

    const details = await request(server)
      .get(`/api/beskar7/hosts/${created.body.id}`)
      .set(auth);
    expect(details.status).toBe(200);
    expect(details.body.events).toEqual(expect.any(Array));

    const patched = await request(server)
      .patch(`/api/beskar7/hosts/${created.body.id}`)
      .set(auth)
      .send({ tags: ['gpu', 'nvme'] });
    expect(patched.status).toBe(200);
    expect(patched.body.tags).toEqual(['gpu', 'nvme']);
    expect(patched.body.version).toBe(created.body.version + 1);

    // Certificate rotation: the BMC's TLS settings, and nothing else of it.
    const rotated = await request(server)
      .patch(`/api/beskar7/hosts/${created.body.id}`)
      .set(auth)
      .send({ bmc: { caBundleRef: 'rack-a-ca', insecureSkipVerify: false } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.bmc).toEqual({
      address: 'https://10.0.0.1',
      credentialsRef: 'rack-a',
      insecureSkipVerify: false,
      allowPlainHttp: false,
      caBundleRef: 'rack-a-ca',
    });
    const cleared = await request(server)
      .patch(`/api/beskar7/hosts/${created.body.id}`)
      .set(auth)
      .send({ bmc: { caBundleRef: null } });
    expect(cleared.body.bmc.caBundleRef).toBeUndefined();
    const readdressed = await request(server)
      .patch(`/api/beskar7/hosts/${created.body.id}`)
      .set(auth)
      .send({ bmc: { address: 'https://10.9.9.9' } });
    expect(readdressed.status).toBe(400);
    expect(readdressed.body.error.message).toMatch(/bmc/);

    const pools = await request(server).get('/api/beskar7/pools').set(auth);
    expect(pools.body.items).toEqual([
      expect.objectContaining({ pool: 'gpu', total: 1 }),
    ]);

    const duplicate = await request(server)
      .post('/api/beskar7/hosts')
      .set(auth)
      .send(host);
    expect(duplicate.status).toBe(409);
  });

  it('requests a machine idempotently and releases it', async () => {
    const first = await request(server)
      .post('/api/beskar7/machines')
      .set(auth)
      .send(machine);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ phase: 'Pending', bootMode: 'UEFI' });

    const retry = await request(server)
      .post('/api/beskar7/machines')
      .set(auth)
      .send(machine);
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);

    const changed = await request(server)
      .post('/api/beskar7/machines')
      .set(auth)
      .send({ ...machine, osFamily: 'flatcar' });
    expect(changed.status).toBe(409);

    const list = await request(server).get('/api/beskar7/machines').set(auth);
    expect(list.body.items.map((m: { id: string }) => m.id)).toContain(
      first.body.id,
    );

    // By id, as the host list asks for its page's consumers: one request.
    const other = await request(server)
      .post('/api/beskar7/machines')
      .set(auth)
      .send({ ...machine, name: 'worker-other' });
    const byId = await request(server)
      .get(`/api/beskar7/machines?id=${first.body.id}&id=no-such-machine`)
      .set(auth);
    expect(byId.status).toBe(200);
    expect(byId.body).toMatchObject({
      totalCount: 1,
      items: [{ id: first.body.id, name: 'worker-0' }],
    });
    expect(byId.body.items).toHaveLength(1);
    expect(other.status).toBe(201);

    const released = await request(server)
      .post(`/api/beskar7/machines/${first.body.id}/release`)
      .set(auth);
    expect(released.status).toBe(200);
    expect(released.body.phase).toBe('Released');
  });

  it('refuses to delete a claimed host and lets it go after release', async () => {
    const store = new HostStore(knex);
    // A pool of its own: machines other tests left pending cannot take it.
    const available = await store.create({
      ...host,
      name: 'node-claimed',
      pool: 'claim-test',
      bmc: { ...host.bmc, address: 'https://10.0.0.2' },
      namespace: 'default',
      state: 'Available',
      hardware: { macAddresses: [] },
    });
    const requested = await request(server)
      .post('/api/beskar7/machines')
      .set(auth)
      .send({
        ...machine,
        name: 'worker-claim',
        requirements: { pool: 'claim-test' },
      });
    const coordinator = createClaimCoordinator({
      mode: 'optimistic',
      knex,
      metrics: createBeskar7Metrics(),
    });
    // The plugin's own claim loop may get there first; either way the
    // machine ends up holding this host.
    await coordinator.claim(requested.body.id);
    await eventually(
      async () =>
        (
          await request(server)
            .get(`/api/beskar7/hosts/${available.id}`)
            .set(auth)
        ).body.consumerId,
      consumer => consumer === requested.body.id,
      { what: 'the machine to hold the host', timeoutMs: 30_000 },
    );

    const refused = await request(server)
      .delete(`/api/beskar7/hosts/${available.id}`)
      .set(auth);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/held by machine/);

    const released = await request(server)
      .post(`/api/beskar7/hosts/${available.id}/release`)
      .set(auth);
    expect(released.status).toBe(200);
    expect(released.body.state).toBe('Deprovisioning');
  });

  it('recovers only hosts in Error', async () => {
    const store = new HostStore(knex);
    const failed = await store.create({
      ...host,
      name: 'node-failed',
      bmc: { ...host.bmc, address: 'https://10.0.0.3' },
      namespace: 'default',
      state: 'Error',
      hardware: { macAddresses: [] },
    });
    const recovered = await request(server)
      .post(`/api/beskar7/hosts/${failed.id}/recover`)
      .set(auth);
    expect(recovered.status).toBe(200);
    expect(recovered.body.state).toBe('Deprovisioning');

    const again = await request(server)
      .post(`/api/beskar7/hosts/${failed.id}/recover`)
      .set(auth);
    expect(again.status).toBe(409);
  });

  it('serves Prometheus metrics', async () => {
    // Not JSON: the spec's proxy cannot check it.
    const res = await request(backend).get('/api/beskar7/metrics').set(auth);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toContain('beskar7_host_claim_attempts_total');
  });

  it('summarises claims measured by the plugin', async () => {
    await new HostStore(knex).create({
      ...host,
      name: 'node-metrics',
      bmc: { ...host.bmc, address: 'https://10.0.0.4' },
      namespace: 'default',
      pool: 'metrics',
      state: 'Available',
      hardware: { macAddresses: [] },
    });
    const requested = await request(server)
      .post('/api/beskar7/machines')
      .set(auth)
      .send({
        ...machine,
        name: 'worker-metrics',
        requirements: { pool: 'metrics' },
      });
    expect(requested.status).toBe(201);
    // The plugin's reconciler claims in the background.
    await eventually(
      () =>
        request(server)
          .get(`/api/beskar7/machines/${requested.body.id}`)
          .set(auth),
      current => Boolean(current.body.hostId),
      { what: 'the machine to be claimed', timeoutMs: 10_000, intervalMs: 100 },
    );

    const res = await request(server)
      .get('/api/beskar7/metrics/summary?windowMinutes=30')
      .set(auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      windowMs: 30 * 60_000,
      sampleIntervalMs: 10_000,
      bmcOperations: { byVendor: [], byOperation: [] },
    });
    // Earlier tests' claims may race the reconciler: conflicts are possible, not certain.
    const { attempts, conflicts, conflictRate } = res.body.claims;
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(conflictRate).toBeCloseTo(conflicts / attempts);
    expect(res.body.claims.latency.count).toBeGreaterThanOrEqual(1);
    expect(res.body.claims.latency.p95Ms).toBeGreaterThan(0);
    expect(res.body.series).toEqual(expect.any(Array));
  });

  it('validates a provisioning config fragment', async () => {
    const res = await request(server)
      .post('/api/beskar7/config/validate')
      .set(auth)
      .send({ maxConcurrentOps: 50 });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(JSON.stringify(res.body.errors)).toContain(
      'beskar7.provisioning.maxConcurrentOps',
    );
  });

  const unknownId = '00000000-0000-4000-8000-000000000000';
  it.each([
    // The spec's refusals come in the plugin's words, by field, for the UI.
    [
      'post',
      '/hosts',
      { ...host, name: 'Bad Name' },
      400,
      /^Invalid request: name: must be lowercase/,
    ],
    [
      'post',
      '/hosts',
      { ...host, bmc: { ...host.bmc, address: 'file:///etc/passwd' } },
      400,
      /bmc\.address/,
    ],
    [
      'post',
      '/hosts',
      { ...host, extra: 1, bmc: { ...host.bmc, password: 'x' } },
      400,
      /^Invalid request: extra: is not allowed; bmc\.password: is not allowed$/,
    ],
    ['post', '/hosts', 'x'.repeat(10), 400, /JSON/],
    // The spec's validator names the part of the request that is wrong.
    ['post', '/hosts', [1, 2, 3], 400, /request\/body must be object/],
    [
      'patch',
      `/hosts/${unknownId}`,
      {},
      400,
      /request\/body must NOT have fewer than 1 properties/,
    ],
    ['patch', `/hosts/${unknownId}`, { pool: 7 }, 400, /pool/],
    ['patch', `/hosts/${unknownId}`, { tags: ['x'] }, 404, /not found/],
    ['get', `/hosts/${unknownId}`, undefined, 404, /not found/],
    ['get', '/hosts/not-a-uuid', undefined, 404, /not found/],
    ['delete', `/hosts/${unknownId}`, undefined, 404, /not found/],
    ['post', `/hosts/${unknownId}/release`, undefined, 404, /not found/],
    ['post', `/hosts/${unknownId}/recover`, undefined, 404, /not found/],
    ['get', '/hosts?limit=abc', undefined, 400, /limit/],
    ['get', '/hosts?state=Flying', undefined, 400, /state/],
    ['get', '/hosts?orderBy=bmc_password', undefined, 400, /orderBy/],
    ['get', '/hosts?updatedSince=yesterday', undefined, 400, /updatedSince/],
    [
      'get',
      '/hosts?updatedSince=2026-12-01T00%3A00%3A00',
      undefined,
      400,
      /updatedSince/,
    ],
    [
      'get',
      '/hosts?updatedSince=2026-12-01T00%3A00%3A00.000Z&orderBy=updatedAt',
      undefined,
      200,
      undefined,
    ],
    [
      'get',
      '/hosts?text=%27%3B%20drop%20table%20beskar7_hosts%3B--',
      undefined,
      200,
      undefined,
    ],
    ['get', '/machines?offset=-5', undefined, 400, /offset/],
    [
      'get',
      `/machines?${Array.from({ length: 101 }, (_, i) => `id=m${i}`).join(
        '&',
      )}`,
      undefined,
      400,
      /id/,
    ],
    ['post', '/machines', { ...machine, osFamily: 'windows' }, 400, /osFamily/],
    [
      'post',
      '/machines',
      { ...machine, name: 'Bad Name' },
      400,
      /^Invalid request: name: must be lowercase/,
    ],
    [
      'post',
      '/machines',
      { ...machine, requirements: { minCpuCores: 'many' } },
      400,
      /minCpuCores/,
    ],
    [
      'post',
      '/machines',
      { ...machine, configUrl: undefined },
      400,
      /configUrl/,
    ],
    ['get', `/machines/${unknownId}`, undefined, 404, /not found/],
    ['post', `/machines/${unknownId}/release`, undefined, 404, /not found/],
    ['post', '/config/validate', 'not json', 400, /JSON/],
    [
      'get',
      '/metrics/summary?windowMinutes=0',
      undefined,
      400,
      /windowMinutes/,
    ],
    ['get', '/metrics/summary?window=5', undefined, 400, /window/],
  ] as const)(
    '%s %s answers %#',
    async (method, path, body, status, message) => {
      let req = request(server)[method](`/api/beskar7${path}`).set(auth);
      if (typeof body === 'string') {
        req = req
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(body));
      } else if (body !== undefined) {
        req = req.send(body as object);
      }
      const res = await req;
      expect(res.status).toBe(status);
      expect(res.body.error?.message ?? '').toMatch(message ?? /^$/);
    },
  );

  it('refuses an undecodable path, an unknown body encoding and an oversized body', async () => {
    const recover = await request(server)
      .post('/api/beskar7/hosts/%ZZ/recover')
      .set(auth);
    expect(recover.status).toBe(400);

    // Bodies the spec's proxy cannot read: to the backend itself.
    const encoded = await request(backend)
      .post('/api/beskar7/hosts')
      .set(auth)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'x-unheard-of')
      .send(JSON.stringify(host));
    expect(encoded.status).toBe(415);

    const oversized = await request(backend)
      .post('/api/beskar7/hosts')
      .set(auth)
      .send({ ...host, name: 'x'.repeat(300_000) });
    expect(oversized.status).toBe(413);
  });

  it('rejects malformed JSON with 400', async () => {
    const res = await request(server)
      .post('/api/beskar7/hosts')
      .set(auth)
      .set('Content-Type', 'application/json')
      .send('{"name": ');
    expect(res.status).toBe(400);
  });

  it('offers diagnostics and machine requests as actions', async () => {
    const invoke = (action: string, input: object) =>
      request(backend)
        .post(
          `/api/beskar7/.backstage/actions/v1/actions/beskar7:${action}/invoke`,
        )
        .set(auth)
        .send(input);

    const listed = await request(backend)
      .get('/api/beskar7/.backstage/actions/v1/actions')
      .set(auth);
    const requestMachine = listed.body.actions.find(
      (a: { name: string }) => a.name === 'request-machine',
    );
    expect(requestMachine.schema.input.required).toEqual([
      'name',
      'imageUrl',
      'osFamily',
      'provisioningMode',
    ]);
    expect(requestMachine.schema.input.properties.osFamily.enum).toContain(
      'flatcar',
    );

    const diagnostics = await invoke('get-fleet-diagnostics', {});
    expect(diagnostics.status).toBe(200);
    expect(
      diagnostics.body.output.checks.map((c: { id: string }) => c.id),
    ).toContain('hosts-in-error');

    const requested = await invoke('request-machine', {
      name: 'from-action',
      imageUrl: 'https://images.example/flatcar.iso',
      osFamily: 'flatcar',
      provisioningMode: 'PXE',
    });
    expect(requested.status).toBe(200);
    expect(requested.body.output).toMatchObject({
      phase: 'Pending',
      created: true,
    });

    const invalid = await invoke('request-machine', {
      name: 'Bad_Name',
      imageUrl: 'https://images.example/flatcar.iso',
      osFamily: 'flatcar',
      provisioningMode: 'PXE',
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toMatch(/name/);
  });

  it('needs a token for everything but health', async () => {
    expect((await request(server).get('/api/beskar7/health')).status).toBe(200);
    const anonymous = { Authorization: mockCredentials.none.header() };
    expect(
      (await request(server).get('/api/beskar7/hosts').set(anonymous)).status,
    ).toBe(401);
  });

  it('still tables are intact after hostile input', async () => {
    expect(await knex.schema.hasTable('beskar7_hosts')).toBe(true);
  });
});

// Each test starts a backend whose validator compiles the spec on its first
// request: more than jest's default 5 s on a loaded machine.
describe('REST API without permission', () => {
  jest.setTimeout(60_000);

  it('answers 403 to writes and records nothing', async () => {
    const knex = await databases.init('SQLITE_3');
    const server = await startBackend(knex, AuthorizeResult.DENY);

    const res = await request(server)
      .post('/api/beskar7/hosts')
      .set(auth)
      .send(host);

    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/beskar7\.host\.update/);
    expect(await knex('beskar7_hosts').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('answers 403 before looking at the input, on every documented route', async () => {
    const knex = await databases.init('SQLITE_3');
    const server = await startBackend(knex, AuthorizeResult.DENY);
    const document = parse(
      readFileSync(join(__dirname, '../schema/openapi.yaml'), 'utf8'),
    );
    const wrong: string[] = [];
    for (const [template, item] of Object.entries(
      document.paths as Record<string, Record<string, unknown>>,
    )) {
      if (template === '/health') continue;
      // An id no object can have, a query no route accepts, a body no route accepts.
      const path = `/api/beskar7${template.replace(
        /\{\w+\}/g,
        'not%20an%20id',
      )}?limit=abc&state=Flying`;
      for (const method of ['get', 'post', 'patch', 'delete'] as const) {
        if (!item[method]) continue;
        for (const body of ['{"name": ', '{"name":"Bad Name","x":[1]}']) {
          let req = request(server)[method](path).set(auth);
          if (method === 'post' || method === 'patch') {
            req = req.set('Content-Type', 'application/json').send(body);
          }
          const res = await req;
          if (res.status !== 403 || !/Missing permission/.test(res.text)) {
            wrong.push(`${method.toUpperCase()} ${template} -> ${res.status}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers 403 where the path, the body encoding or its size would be refused', async () => {
    const knex = await databases.init('SQLITE_3');
    const server = await startBackend(knex, AuthorizeResult.DENY);
    const answers = [
      await request(server).post('/api/beskar7/hosts/%ZZ/recover').set(auth),
      await request(server)
        .get('/api/beskar7/runbooks/runs/%E0%A4%A')
        .set(auth),
      await request(server)
        .post('/api/beskar7/hosts')
        .set(auth)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'x-unheard-of')
        .send(JSON.stringify(host)),
      await request(server)
        .post('/api/beskar7/hosts')
        .set(auth)
        .send({ ...host, name: 'x'.repeat(300_000) }),
    ];
    expect(answers.map(res => res.status)).toEqual([403, 403, 403, 403]);
  });

  it('answers 403 to actions before looking at their input', async () => {
    const knex = await databases.init('SQLITE_3');
    const server = await startBackend(knex, AuthorizeResult.DENY);
    const invoke = (action: string, input: object) =>
      request(server)
        .post(
          `/api/beskar7/.backstage/actions/v1/actions/beskar7:${action}/invoke`,
        )
        .set(auth)
        .send(input);

    const answers = [
      await invoke('request-machine', { name: 5, osFamily: 'dos' }),
      await invoke('release-machine', {}),
      await invoke('get-fleet-diagnostics', {}),
    ];
    expect(answers.map(res => res.status)).toEqual([403, 403, 403]);
    expect(answers[0].body.error.message).toMatch(/beskar7\.machine\.create/);
  });

  it('records refused writes in the audit log, over HTTP and as actions', async () => {
    const knex = await databases.init('SQLITE_3');
    const auditor = mockServices.auditor.mock();
    const server = await startBackend(knex, AuthorizeResult.DENY, auditor);

    await request(server).post('/api/beskar7/hosts').set(auth).send(host);
    await request(server)
      .post(
        '/api/beskar7/.backstage/actions/v1/actions/beskar7:release-machine/invoke',
      )
      .set(auth)
      .send({ machineId: 'm-1' });

    const events = await seenAuditEvents(auditor);
    expect(events.map(e => [e.eventId, e.outcome])).toEqual([
      ['host-register', 'fail'],
      ['machine-release', 'fail'],
    ]);
  });

  it('answers 403 to reads, the metrics summary too', async () => {
    const knex = await databases.init('SQLITE_3');
    const server = await startBackend(knex, AuthorizeResult.DENY);

    const res = await request(server)
      .get('/api/beskar7/metrics/summary')
      .set(auth);

    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/beskar7\.host\.read/);
  });
});
