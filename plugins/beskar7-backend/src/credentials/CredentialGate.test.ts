import {
  createServiceFactory,
  coreServices,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { beskar7Plugin } from '../plugin';
import { RedfishHostOperationExecutor } from '../provisioning/RedfishHostOperationExecutor';
import { BmcProvisionerFactory } from '../redfish';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import { ConfigCredentialResolver } from './ConfigCredentialResolver';
import { CredentialGate } from './CredentialGate';

const databases = createTestDatabases();
const auth = { Authorization: mockCredentials.user.header() };

/** A listener that records every request it receives: what an attacker would set up. */
async function startRecorder() {
  const received: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    received.push(`${req.method} ${req.url} ${req.headers.authorization}`);
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    stop: () => new Promise(resolve => server.close(resolve)),
  };
}

const config = (allowedAddresses?: string[]) =>
  new ConfigReader({
    beskar7: {
      credentials: {
        'rack-a': {
          username: 'admin',
          password: 'rack-a-secret',
          ...(allowedAddresses && { allowedAddresses }),
        },
      },
    },
  });

function gateFor(allowedAddresses?: string[]) {
  const resolver = new ConfigCredentialResolver(config(allowedAddresses));
  return new CredentialGate(resolver, resolver, undefined, {
    kubernetesSecrets: true,
  });
}

function host(bmc: Partial<Host['bmc']>, namespace = 'default'): Host {
  const now = new Date().toISOString();
  return {
    id: 'h1',
    name: 'node-1',
    namespace,
    pool: 'default',
    labels: {},
    tags: [],
    hardware: { macAddresses: [] },
    state: 'Enrolling',
    version: 0,
    createdAt: now,
    updatedAt: now,
    bmc: {
      address: 'https://10.1.2.3',
      credentialsRef: 'rack-a',
      insecureSkipVerify: false,
      ...bmc,
    },
  };
}

describe('CredentialGate', () => {
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  const factory = new BmcProvisionerFactory({ requestTimeoutMs: 2_000 });
  beforeEach(async () => {
    recorder = await startRecorder();
  });
  afterEach(() => recorder.stop());
  afterAll(() => factory.close());

  const context = () => ({
    signal: new AbortController().signal,
    jobId: 'job-1',
    attempt: 1,
  });
  const inspect = (gate: CredentialGate, target: Host) =>
    new RedfishHostOperationExecutor(factory, gate).inspect(target, context());

  it('sends nothing to an address outside the credential scope', async () => {
    await expect(
      inspect(
        gateFor(['10.0.0.0/8', '*.oob.example.com']),
        host({ address: recorder.url, allowPlainHttp: true }),
      ),
    ).rejects.toThrow(
      /credential 'rack-a' may not be sent to http:\/\/127\.0\.0\.1:\d+: 127\.0\.0\.1 is outside beskar7\.credentials\.rack-a\.allowedAddresses/,
    );
    expect(recorder.received).toEqual([]);
  });

  it('sends nothing with a credential that lists no address', async () => {
    await expect(
      inspect(gateFor(), host({ address: recorder.url, allowPlainHttp: true })),
    ).rejects.toThrow(/lists no address .* so it is sent nowhere/);
    expect(recorder.received).toEqual([]);
  });

  it('sends nothing over plain HTTP without the host opting in', async () => {
    await expect(
      inspect(gateFor([recorder.url]), host({ address: recorder.url })),
    ).rejects.toThrow(/bmc\.allowPlainHttp: .* is plain HTTP/);
    expect(recorder.received).toEqual([]);
  });

  it('reaches the BMC its credential is scoped to, with the opt-in', async () => {
    await inspect(
      gateFor([recorder.url]),
      host({ address: recorder.url, allowPlainHttp: true }),
    ).catch(() => undefined);
    expect(recorder.received.length).toBeGreaterThan(0);
  });

  it('matches ranges, names and origins, and names the rule it applied', async () => {
    const gate = gateFor([
      '10.0.0.0/8',
      'bmc.example.com',
      'https://[fd00::5]:8443',
    ]);
    const refusal = async (address: string) =>
      (await gate.refusal(host({ address })))?.message;
    expect(await refusal('https://10.9.9.9')).toBeUndefined();
    expect(await refusal('https://BMC.example.com')).toBeUndefined();
    expect(await refusal('https://[fd00::5]:8443/redfish/v1')).toBeUndefined();
    expect(await refusal('https://[fd00::5]:9443')).toMatch(/outside/);
    expect(await refusal('https://11.0.0.1')).toMatch(
      /beskar7\.credentials\.rack-a\.allowedAddresses/,
    );
    expect(await refusal('https://169.254.169.254')).toMatch(/link-local/);
  });

  it('lets a Kubernetes Secret serve hosts of its own namespace only', async () => {
    const gate = gateFor();
    const secretHost = (namespace: string) =>
      host({ credentialsRef: 'k8s-secret:team-a/bmc' }, namespace);
    expect(await gate.refusal(secretHost('team-a'))).toBeUndefined();
    expect((await gate.refusal(secretHost('team-b')))?.message).toMatch(
      /Secret team-a\/bmc serves hosts of namespace team-a only, not team-b/,
    );
  });
});

describe('Host registration and credentials', () => {
  const permissionsDenying = (denied: string) =>
    createServiceFactory({
      service: coreServices.permissions,
      deps: {},
      factory: () => ({
        authorize: async (requests: Array<{ permission: { name: string } }>) =>
          requests.map(r => ({
            result:
              r.permission.name === denied
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          })),
        authorizeConditional: async () => {
          throw new Error('not used');
        },
      }),
    });

  /** The plugin with credential rack-a scoped to `allowedAddresses`. */
  async function start(allowedAddresses: string[], ...features: any[]) {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [
        beskar7Plugin,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            beskar7: {
              credentials: {
                'rack-a': {
                  username: 'admin',
                  password: 'rack-a-secret',
                  allowedAddresses,
                },
              },
            },
          },
        }),
        ...features,
      ],
    });
    return { server, knex };
  }

  /** rack-a scoped to 10.0.0.0/8, and the queue paused: nothing is provisioned. */
  async function backend(...features: any[]) {
    const started = await start(['10.0.0.0/8'], ...features);
    await request(started.server).post('/api/beskar7/queue/pause').set(auth);
    return started;
  }

  const registerHost = (
    server: Parameters<typeof request>[0],
    name: string,
    bmc: Record<string, unknown>,
  ) => request(server).post('/api/beskar7/hosts').set(auth).send({ name, bmc });

  it('refuses a credential outside its scope, naming the rule, and stores nothing', async () => {
    const recorder = await startRecorder();
    try {
      const { server, knex } = await backend();
      const res = await registerHost(server, 'trap', {
        address: recorder.url,
        credentialsRef: 'rack-a',
        allowPlainHttp: true,
      });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(
        /beskar7\.credentials\.rack-a\.allowedAddresses/,
      );
      expect(res.text).not.toContain('rack-a-secret');
      expect(await knex('beskar7_hosts').count({ n: '*' })).toEqual([{ n: 0 }]);
      const plain = await registerHost(server, 'plain', {
        address: 'http://10.0.0.7',
        credentialsRef: 'rack-a',
      });
      expect(plain.status).toBe(400);
      expect(plain.body.error.message).toMatch(/bmc\.allowPlainHttp/);
      const allowed = await registerHost(server, 'in-scope', {
        address: 'https://10.0.0.7',
        credentialsRef: 'rack-a',
      });
      expect(allowed.status).toBe(201);
      expect(allowed.body.bmc.allowPlainHttp).toBe(false);
      expect(recorder.received).toEqual([]);
    } finally {
      await recorder.stop();
    }
  });

  it('refuses a credentialsRef naming no credential of config, or a Kubernetes Secret while Kubernetes is off, with 400 naming the field', async () => {
    const { server, knex } = await backend();
    for (const credentialsRef of [
      'rack-a.password',
      'rack-a.allowedAddresses',
      'k8s-secret:default/bmc',
    ]) {
      const res = await registerHost(server, 'odd-ref', {
        address: 'https://10.0.0.7',
        credentialsRef,
      });
      expect({ credentialsRef, status: res.status }).toEqual({
        credentialsRef,
        status: 400,
      });
      expect(res.body.error.message).toMatch(/^bmc\.credentialsRef: /);
      expect(res.text).not.toContain('rack-a-secret');
    }
    expect(await knex('beskar7_hosts').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('refuses to start with an allowedAddresses entry that is no address, naming the key', async () => {
    await expect(start(['10.0.0.0/8', 'not a cidr!!'])).rejects.toThrow(
      /beskar7\.credentials\.rack-a\.allowedAddresses\[1\]/,
    );
  });

  it('needs the permission to use credentials on top of registering hosts', async () => {
    const { server } = await backend(
      permissionsDenying('beskar7.credential.use'),
    );
    const res = await registerHost(server, 'in-scope', {
      address: 'https://10.0.0.7',
      credentialsRef: 'rack-a',
    });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'Missing permission beskar7.credential.use',
    );
  });
});
