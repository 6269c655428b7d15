import { BmcProbeReport } from '@beskar7/backstage-plugin-beskar7-common';
import {
  createServer as createHttpServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo, createServer as createTcpServer } from 'node:net';
import { generate } from 'selfsigned';
import { judgeCertificate, probeBmc } from './bmcProbe';

jest.setTimeout(30_000);

const USER = 'root';
const PASSWORD = 'calvin-secret';

/** A minimal Redfish BMC: service root, sessions with X-Auth-Token, systems. */
function redfishHandler(
  options: { rejectLogin?: boolean; systems?: number } = {},
) {
  const seen: string[] = [];
  const sessions = new Set<string>();
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url}`);
      const json = (status: number, value: unknown, headers = {}) => {
        res.writeHead(status, {
          'content-type': 'application/json',
          ...headers,
        });
        res.end(JSON.stringify(value));
      };
      if (req.method === 'GET' && req.url === '/redfish/v1/') {
        return json(200, {
          RedfishVersion: '1.11.0',
          Vendor: 'Test',
          Systems: { '@odata.id': '/redfish/v1/Systems' },
          Links: {
            Sessions: { '@odata.id': '/redfish/v1/SessionService/Sessions' },
          },
        });
      }
      if (
        req.method === 'POST' &&
        req.url === '/redfish/v1/SessionService/Sessions'
      ) {
        const login = JSON.parse(body);
        if (
          options.rejectLogin ||
          login.UserName !== USER ||
          login.Password !== PASSWORD
        ) {
          return json(401, { error: { message: 'Invalid credentials' } });
        }
        const token = `t${sessions.size + 1}`;
        sessions.add(token);
        return json(
          201,
          {},
          {
            'x-auth-token': token,
            location: `/redfish/v1/SessionService/Sessions/${token}`,
          },
        );
      }
      const token = req.headers['x-auth-token'];
      if (typeof token !== 'string' || !sessions.has(token))
        return json(401, {});
      if (req.method === 'GET' && req.url === '/redfish/v1/Systems') {
        return json(200, {
          Members: Array.from({ length: options.systems ?? 2 }, (_, i) => ({
            '@odata.id': `/redfish/v1/Systems/${i}`,
          })),
        });
      }
      if (
        req.method === 'DELETE' &&
        req.url?.startsWith('/redfish/v1/SessionService/Sessions/')
      ) {
        sessions.delete(token);
        return json(204, {});
      }
      return json(404, {});
    });
  };
  return { handler, seen, sessions };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      s =>
        new Promise<void>(resolve => {
          s.closeAllConnections?.();
          s.close(() => resolve());
        }),
    ),
  );
});

async function tlsMaterial(daysValid = 365) {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: 'bmc.test' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + daysValid * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

async function startHttps(
  options: Parameters<typeof redfishHandler>[0] = {},
  daysValid = 365,
) {
  const tls = await tlsMaterial(daysValid);
  const bmc = redfishHandler(options);
  const server = createHttpsServer(
    { key: tls.key, cert: tls.cert },
    bmc.handler,
  );
  servers.push(server);
  const port = await listen(server);
  return { ...bmc, address: `https://127.0.0.1:${port}`, ca: tls.cert };
}

const verdicts = (report: BmcProbeReport) =>
  Object.fromEntries(report.layers.map(l => [l.layer, l.verdict]));

const target = (
  address: string,
  extra: { ca?: string; insecureSkipVerify?: boolean; password?: string } = {},
) => ({
  address,
  username: USER,
  password: extra.password ?? PASSWORD,
  insecureSkipVerify: extra.insecureSkipVerify ?? false,
  ca: extra.ca,
});

describe('probeBmc', () => {
  it('passes every layer of a healthy HTTPS BMC and logs its session out', async () => {
    const bmc = await startHttps();
    const report = await probeBmc(target(bmc.address, { ca: bmc.ca }));
    expect(verdicts(report)).toEqual({
      dns: 'pass',
      tcp: 'pass',
      tls: 'pass',
      'service-root': 'pass',
      authentication: 'pass',
      systems: 'pass',
    });
    expect(report.layers.find(l => l.layer === 'systems')).toMatchObject({
      message: '2 system(s) listed',
      details: { systems: 2 },
    });
    expect(report.layers.find(l => l.layer === 'service-root')?.message).toBe(
      'Redfish 1.11.0 (Test)',
    );
    expect(bmc.sessions.size).toBe(0);
    expect(bmc.seen).toContain('DELETE /redfish/v1/SessionService/Sessions/t1');
    expect(JSON.stringify(report)).not.toContain(PASSWORD);
  });

  it('fails DNS for a name that cannot resolve and skips the rest', async () => {
    const report = await probeBmc(target('https://bmc-r12-u07.invalid'));
    expect(verdicts(report)).toEqual({
      dns: 'fail',
      tcp: 'skipped',
      tls: 'skipped',
      'service-root': 'skipped',
      authentication: 'skipped',
      systems: 'skipped',
    });
    expect(report.layers[0].message).toMatch(/does not resolve \(ENOTFOUND\)/);
    expect(report.layers[1].message).toBe('Not tried: dns failed');
  });

  it('fails TCP when nothing listens on the port', async () => {
    const probe = createTcpServer();
    const port = await listen(probe as unknown as Server);
    await new Promise<void>(resolve => probe.close(() => resolve()));
    const report = await probeBmc(target(`https://127.0.0.1:${port}`));
    expect(verdicts(report)).toMatchObject({
      dns: 'pass',
      tcp: 'fail',
      tls: 'skipped',
    });
    expect(report.layers[1].message).toMatch(/ECONNREFUSED.*nothing listens/);
  });

  it('fails TLS for an untrusted certificate, warns when the host skips verification', async () => {
    const bmc = await startHttps();
    const untrusted = await probeBmc(target(bmc.address));
    expect(verdicts(untrusted)).toMatchObject({
      tcp: 'pass',
      tls: 'fail',
      'service-root': 'skipped',
    });
    expect(untrusted.layers[2].message).toMatch(
      /not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/,
    );

    const skipping = await probeBmc(
      target(bmc.address, { insecureSkipVerify: true }),
    );
    expect(verdicts(skipping)).toMatchObject({
      tls: 'warn',
      'service-root': 'pass',
      systems: 'pass',
    });
  });

  it('fails TLS when the port does not speak TLS', async () => {
    const server = createHttpServer(redfishHandler().handler);
    servers.push(server);
    const port = await listen(server);
    const report = await probeBmc(target(`https://127.0.0.1:${port}`));
    expect(verdicts(report)).toMatchObject({ tcp: 'pass', tls: 'fail' });
    expect(report.layers[2].message).toMatch(/^TLS handshake failed/);
  });

  it('fails authentication on a 401 and says what to check', async () => {
    const bmc = await startHttps();
    const report = await probeBmc(
      target(bmc.address, { ca: bmc.ca, password: 'wrong' }),
    );
    expect(verdicts(report)).toMatchObject({
      'service-root': 'pass',
      authentication: 'fail',
      systems: 'skipped',
    });
    expect(report.layers[4].message).toMatch(
      /^Login refused \(.*HTTP 401 on login\)\): credentials rejected/,
    );
  });

  it('warns about plain HTTP and about a certificate near expiry', async () => {
    const server = createHttpServer(redfishHandler().handler);
    servers.push(server);
    const port = await listen(server);
    const plain = await probeBmc(target(`http://127.0.0.1:${port}`));
    expect(verdicts(plain)).toMatchObject({ tls: 'warn', systems: 'pass' });

    const expiring = await startHttps({}, 10);
    const report = await probeBmc(
      target(expiring.address, { ca: expiring.ca }),
      {
        upTo: 'tls',
      },
    );
    expect(report.layers.map(l => l.layer)).toEqual(['dns', 'tcp', 'tls']);
    expect(report.layers[2]).toMatchObject({ verdict: 'warn' });
    expect(report.layers[2].message).toMatch(/expires in (9|10) day/);
  });

  it('fails the systems layer when the BMC lists none', async () => {
    const bmc = await startHttps({ systems: 0 });
    const report = await probeBmc(target(bmc.address, { ca: bmc.ca }));
    expect(verdicts(report)).toMatchObject({
      authentication: 'pass',
      systems: 'fail',
    });
  });

  it('judges certificates without a handshake', () => {
    const cert = {
      valid_to: 'Jan  1 00:00:00 2030 GMT',
      subject: { CN: 'bmc' } as any,
      issuer: { CN: 'ca' } as any,
    };
    const now = new Date('2029-12-31T00:00:00Z');
    expect(judgeCertificate(true, undefined, cert, false, now).verdict).toBe(
      'warn',
    );
    expect(
      judgeCertificate(true, undefined, cert, false, new Date('2020-01-01'))
        .verdict,
    ).toBe('pass');
    expect(
      judgeCertificate(false, 'CERT_HAS_EXPIRED', cert, false, now).verdict,
    ).toBe('fail');
  });
});
