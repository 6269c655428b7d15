import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Beskar7ApiClient, listHostsRequest } from '.';

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP server answering what each test sets, recording the request. */
describe('Beskar7ApiClient', () => {
  let server: Server;
  let client: Beskar7ApiClient;
  let seen: Seen;
  let answer: { status: number; body?: unknown };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', chunk => {
        body += chunk;
      });
      req.on('end', () => {
        seen = { method: req.method, url: req.url, headers: req.headers, body };
        res.statusCode = answer.status;
        if (answer.body === undefined) {
          res.end();
          return;
        }
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new Beskar7ApiClient({
      discoveryApi: {
        getBaseUrl: async pluginId =>
          `http://127.0.0.1:${port}/api/${pluginId}`,
      },
    });
  });

  afterAll(async () => {
    await new Promise(resolve => server.close(resolve));
  });

  it('encodes path parameters and sends the token', async () => {
    answer = { status: 200, body: { name: 'a b' } };
    const cluster = await client.getCluster(
      { path: { namespace: 'team/x', name: 'a b' } },
      { token: 'secret' },
    );

    expect(cluster).toEqual({ name: 'a b' });
    expect(seen).toMatchObject({
      method: 'GET',
      url: '/api/beskar7/clusters/team%2Fx/a%20b',
      headers: { authorization: 'Bearer secret' },
      body: '',
    });
    expect(seen.headers['content-type']).toBeUndefined();
  });

  it('sends lists as repeated keys and leaves empty values out', async () => {
    answer = { status: 200, body: { items: [], totalCount: 0 } };
    await client.listHosts(
      listHostsRequest({
        state: ['Available', 'Error'],
        pool: '',
        tags: ['gpu'],
        labels: { rack: 'r1' },
        limit: 10,
      }),
    );

    expect(seen.url).toBe(
      '/api/beskar7/hosts?state=Available&state=Error&tag=gpu&label=rack%3Dr1&limit=10',
    );
    expect(seen.headers.authorization).toBeUndefined();
  });

  it('sends the body as JSON and tells the success statuses apart', async () => {
    const request = {
      name: 'm1',
      imageUrl: 'https://i/os.iso',
      osFamily: 'flatcar' as const,
      provisioningMode: 'PXE' as const,
    };
    answer = { status: 201, body: { id: 'm1' } };
    const created = await client.requestMachine({ body: request });
    answer = { status: 200, body: { id: 'm1' } };
    const existing = await client.requestMachine({ body: request });

    expect(seen.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen.body)).toEqual(request);
    expect([created.status, existing.status]).toEqual([201, 200]);
    expect(created.body).toEqual({ id: 'm1' });
  });

  it('answers nothing for a route without a body', async () => {
    answer = { status: 202 };
    await expect(
      client.deleteCluster({ path: { namespace: 'n', name: 'c' } }),
    ).resolves.toBeUndefined();
    expect(seen.method).toBe('DELETE');
  });

  it('throws a ResponseError with the cause the API sent', async () => {
    answer = {
      status: 409,
      body: {
        error: { name: 'ConflictError', message: 'Host h is Claimed' },
        request: { method: 'POST', url: '/hosts/h/recover' },
        response: { statusCode: 409 },
      },
    };
    const error = await client.recoverHost({ path: { id: 'h' } }).catch(e => e);

    expect(error.name).toBe('ResponseError');
    expect(error.statusCode).toBe(409);
    expect(error.cause).toMatchObject({
      name: 'ConflictError',
      message: 'Host h is Claimed',
    });
  });
});
