import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { createTestDatabases } from '../__testUtils__/databases';
import { beskar7Plugin } from '../plugin';

const databases = createTestDatabases();
const auth = { Authorization: mockCredentials.user.header() };

const HOSTILE_STRINGS = [
  '',
  ' ',
  "'; drop table beskar7_hosts; --",
  '../../../../etc/passwd',
  '%00',
  '\u0000',
  '😀'.repeat(50),
  'x'.repeat(5000),
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${jndi:ldap://127.0.0.1/a}',
  'http://169.254.169.254/latest/meta-data/',
  'NaN',
  '-1',
  '1e309',
];

const HOSTILE_VALUES: unknown[] = [
  ...HOSTILE_STRINGS,
  null,
  true,
  0,
  -1,
  1.5,
  Number.MAX_SAFE_INTEGER,
  [],
  [null],
  {},
  { __proto__: { admin: true } },
  { constructor: { prototype: { polluted: true } } },
];

/** A deterministic generator, so that a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function hostileBody(next: () => number, depth = 0): unknown {
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)];
  if (depth < 2 && next() < 0.4) {
    const keys = [
      'name',
      'bmc',
      'address',
      'requirements',
      'tags',
      'labels',
      'pool',
      'imageUrl',
      'osFamily',
      'provisioningMode',
      'maxConcurrentOps',
      'parameters',
      'verdict',
      'note',
      pick(HOSTILE_STRINGS),
    ];
    return Object.fromEntries(
      keys
        .filter(() => next() < 0.5)
        .map(k => [k, hostileBody(next, depth + 1)]),
    );
  }
  return pick(HOSTILE_VALUES);
}

describe.each(databases.eachSupportedId())(
  'hostile input on %p',
  databaseId => {
    it('never answers 5xx on any documented route and keeps serving', async () => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [beskar7Plugin, mockServices.database.factory({ knex })],
      });
      await request(server).post('/api/beskar7/queue/pause').set(auth);
      const document = parse(
        readFileSync(resolve(__dirname, '../schema/openapi.yaml'), 'utf8'),
      );
      const next = random(7);
      const failures: string[] = [];
      for (const [template, item] of Object.entries(
        document.paths as Record<string, Record<string, unknown>>,
      )) {
        for (const method of ['get', 'post', 'patch', 'delete']) {
          if (!item[method]) continue;
          for (let round = 0; round < 12; round++) {
            const id = encodeURIComponent(
              HOSTILE_STRINGS[Math.floor(next() * HOSTILE_STRINGS.length)] ||
                'x',
            );
            const path = template.replace(/\{\w+\}/g, id);
            const query = new URLSearchParams(
              Object.entries({
                state: HOSTILE_STRINGS[round % HOSTILE_STRINGS.length],
                limit: String(hostileBody(next)),
                text: HOSTILE_STRINGS[(round + 3) % HOSTILE_STRINGS.length],
              }),
            );
            let req = (request(server) as any)
              [method](`/api/beskar7${path}?${round % 2 ? query : ''}`)
              .set(auth);
            if (method !== 'get' && method !== 'delete') {
              req = req
                .set('Content-Type', 'application/json')
                .send(
                  round === 0
                    ? '{"unterminated": '
                    : JSON.stringify(hostileBody(next)),
                );
            }
            const res = await req;
            if (res.status >= 500) {
              failures.push(
                `${method.toUpperCase()} ${path} -> ${
                  res.status
                } ${res.text.slice(0, 200)}`,
              );
            }
          }
        }
      }
      expect(failures).toEqual([]);
      expect((await request(server).get('/api/beskar7/health')).status).toBe(
        200,
      );
      // Nothing hostile was stored as a host.
      const [{ count }] = await knex('beskar7_hosts').count({ count: '*' });
      expect(Number(count)).toBe(0);
    }, 60_000);
  },
);
