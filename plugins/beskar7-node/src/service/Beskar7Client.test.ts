import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import express from 'express';
import Router from 'express-promise-router';
import { beskar7ServiceRef } from './beskar7ServiceRef';
import { testHost as host } from './testHost';
import { Beskar7Service, HostChange } from './types';

/**
 * A stand-in for the beskar7 plugin's routes: it records who called and with
 * which query, and serves a host list the test changes.
 */
function stubBeskar7(state: { hosts: Host[]; calls: string[] }) {
  return createBackendPlugin({
    pluginId: 'beskar7',
    register(reg) {
      reg.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
        },
        async init({ httpRouter, httpAuth }) {
          const router = Router();
          router.use(express.json());
          router.use(async (req, _res, next) => {
            const credentials = await httpAuth.credentials(req, {
              allow: ['user'],
            });
            state.calls.push(
              `${credentials.principal.userEntityRef} ${req.method} ${req.url}`,
            );
            next();
          });
          router.get('/hosts', (req, res) => {
            const offset = Number(req.query.offset ?? 0);
            const limit = Number(req.query.limit ?? 50);
            // As the API: written at or after the instant, oldest write first.
            const since = req.query.updatedSince;
            const hosts = since
              ? state.hosts
                  .filter(h => h.updatedAt >= String(since))
                  .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
              : state.hosts;
            res.json({
              items: hosts.slice(offset, offset + limit),
              totalCount: hosts.length,
              offset,
              limit,
            });
          });
          router.post('/machines', (req, res) => {
            res
              .status(req.body.name === 'new' ? 201 : 200)
              .json({ id: 'm1', ...req.body });
          });
          router.get('/machines/:id', () => {
            throw new NotFoundError('Machine gone not found');
          });
          httpRouter.use(router);
        },
      });
    },
  });
}

/** A module of another plugin that uses the service, as real consumers do. */
function consumerModule(found: { service?: Beskar7Service }) {
  return createBackendModule({
    pluginId: 'consumer',
    moduleId: 'uses-beskar7',
    register(reg) {
      reg.registerInit({
        deps: { beskar7: beskar7ServiceRef },
        async init({ beskar7 }) {
          found.service = beskar7;
        },
      });
    },
  });
}

describe('beskar7ServiceRef', () => {
  const user = mockCredentials.user('user:default/ada');
  const state = { hosts: [host('a'), host('b')], calls: [] as string[] };
  let service: Beskar7Service;

  beforeAll(async () => {
    const found: { service?: Beskar7Service } = {};
    await startTestBackend({
      features: [
        stubBeskar7(state),
        consumerModule(found),
        createBackendPlugin({
          pluginId: 'consumer',
          register: reg => reg.registerInit({ deps: {}, async init() {} }),
        }),
      ],
    });
    service = found.service!;
  });

  beforeEach(() => {
    state.calls.length = 0;
  });

  it('calls the API on behalf of the caller, with the query encoded as the API reads it', async () => {
    const page = await service.listHosts(
      {
        state: ['Available', 'Error'],
        pool: 'lab',
        tags: ['gpu'],
        labels: { rack: 'r1' },
        limit: 10,
      },
      { credentials: user },
    );

    expect(page.items.map(h => h.id)).toEqual(['a', 'b']);
    expect(state.calls).toEqual([
      'user:default/ada GET /hosts?state=Available&state=Error&pool=lab&tag=gpu&label=rack%3Dr1&limit=10',
    ]);
  });

  it('tells a new machine from an existing one', async () => {
    const request = {
      imageUrl: 'https://i/os.iso',
      osFamily: 'flatcar' as const,
      provisioningMode: 'PXE' as const,
    };
    const fresh = await service.requestMachine(
      { ...request, name: 'new' },
      { credentials: user },
    );
    const again = await service.requestMachine(
      { ...request, name: 'old' },
      { credentials: user },
    );

    expect([fresh.created, again.created]).toEqual([true, false]);
  });

  it('surfaces API errors as ResponseError with the cause the API sent', async () => {
    const error = await service
      .getMachine('gone', { credentials: user })
      .catch(e => e);

    expect(error.name).toBe('ResponseError');
    expect(error.statusCode).toBe(404);
    expect(error.cause).toMatchObject({
      name: 'NotFoundError',
      message: 'Machine gone not found',
    });
  });

  /**
   * Subscribes, lets the first poll read the hosts, makes `change` and
   * returns what the subscription heard at its next report; then stops.
   */
  async function heardAfter(change: () => void): Promise<HostChange[][]> {
    const seen: HostChange[][] = [];
    let notify: () => void = () => {};
    const heard = new Promise<void>(resolve => {
      notify = resolve;
    });
    const unsubscribe = service.subscribeToHostChanges(
      changes => {
        seen.push(changes);
        notify();
      },
      { credentials: user, intervalMs: 10 },
    );
    while (state.calls.length === 0) {
      await new Promise(r => setTimeout(r, 5));
    }
    change();
    await heard;
    unsubscribe();
    return seen;
  }

  it('reports added, changed and removed hosts between polls, then stops', async () => {
    const seen = await heardAfter(() => {
      state.hosts = [host('a', 2), host('c')];
    });

    expect(seen).toEqual([
      [
        { type: 'changed', host: host('a', 2), previous: host('a') },
        { type: 'added', host: host('c') },
        { type: 'removed', host: host('b') },
      ],
    ]);
  });

  it('after its first read, reads the hosts written since the latest write it saw and their number', async () => {
    state.hosts = [host('a'), host('b')];
    const b2 = host('b', 2, '2025-01-01T00:05:00.000Z');
    const seen = await heardAfter(() => {
      state.hosts = [host('a'), b2];
    });

    expect(seen).toEqual([
      [{ type: 'changed', host: b2, previous: host('b') }],
    ]);
    const reads = [...new Set(state.calls)];
    expect(reads.slice(0, 3)).toEqual([
      'user:default/ada GET /hosts?offset=0&limit=500&orderBy=name',
      'user:default/ada GET /hosts?limit=1',
      'user:default/ada GET /hosts?updatedSince=2024-12-31T23%3A59%3A00.000Z&limit=500&orderBy=updatedAt&order=asc',
    ]);
    expect(state.calls.filter(c => c.includes('orderBy=name'))).toHaveLength(1);
  });
});
