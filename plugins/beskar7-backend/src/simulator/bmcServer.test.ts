import { request } from 'undici';
import { SIM_FAULTS_PATH, SimulatedBmc } from './bmcServer';
import { generateTree } from './generateTree';
import { simGet } from './testing';

const credentials = { username: 'admin', password: 'sim-Secret-1' };

async function call(
  bmc: SimulatedBmc,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await request(`${bmc.url}${path}`, {
    method: method as 'GET',
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    headers: res.headers,
    body: text ? JSON.parse(text) : undefined,
  };
}

describe('SimulatedBmc', () => {
  let bmc: SimulatedBmc;

  afterEach(async () => {
    await bmc.stop();
  });

  it('serves the service root anonymously and everything else only with valid credentials', async () => {
    bmc = await SimulatedBmc.start({
      tree: generateTree('generic', 0),
      credentials,
    });
    expect((await call(bmc, 'GET', '/redfish/v1/')).status).toBe(200);
    expect((await call(bmc, 'GET', '/redfish/v1/Systems')).status).toBe(401);
    const basicBad = `Basic ${Buffer.from('admin:nope').toString('base64')}`;
    expect(
      (
        await call(bmc, 'GET', '/redfish/v1/Systems', undefined, {
          authorization: basicBad,
        })
      ).status,
    ).toBe(401);
    const badLogin = await call(
      bmc,
      'POST',
      '/redfish/v1/SessionService/Sessions',
      { UserName: 'admin', Password: 'nope' },
    );
    expect(badLogin.status).toBe(401);
    expect(badLogin.body.error['@Message.ExtendedInfo'][0].Message).toMatch(
      /Invalid username or password/,
    );

    const login = await call(
      bmc,
      'POST',
      '/redfish/v1/SessionService/Sessions',
      { UserName: 'admin', Password: credentials.password },
    );
    expect(login.status).toBe(201);
    const token = login.headers['x-auth-token'] as string;
    expect(
      (
        await call(bmc, 'GET', '/redfish/v1/Systems', undefined, {
          'x-auth-token': token,
        })
      ).status,
    ).toBe(200);
    expect(
      (await simGet(bmc, '/redfish/v1/SessionService/Sessions')).Members,
    ).toHaveLength(1);
    expect(
      (
        await call(bmc, 'DELETE', login.headers.location as string, undefined, {
          'x-auth-token': token,
        })
      ).status,
    ).toBe(204);
    expect(bmc.sessionsOpen).toBe(0);
    expect(
      (
        await call(bmc, 'GET', '/redfish/v1/Systems', undefined, {
          'x-auth-token': token,
        })
      ).status,
    ).toBe(401);
  });

  it('changes power after the configured delay, showing the transition meanwhile', async () => {
    bmc = await SimulatedBmc.start({
      tree: generateTree('dell', 1),
      credentials,
      powerDelayMs: 50,
    });
    const system = bmc.machine.systemPath;
    const auth = {
      authorization: `Basic ${Buffer.from(
        `admin:${credentials.password}`,
      ).toString('base64')}`,
    };
    const reset = await call(
      bmc,
      'POST',
      `${system}/Actions/ComputerSystem.Reset`,
      { ResetType: 'On' },
      auth,
    );
    expect(reset.status).toBe(204);
    expect((await simGet(bmc, system)).PowerState).toBe('PoweringOn');
    while ((await simGet(bmc, system)).PowerState !== 'On') {
      await new Promise(r => setTimeout(r, 10));
    }
    expect(bmc.machine.boots).toHaveLength(1);
    const bad = await call(
      bmc,
      'POST',
      `${system}/Actions/ComputerSystem.Reset`,
      { ResetType: 'Explode' },
      auth,
    );
    expect(bad.status).toBe(400);
  });

  it('rejects boot targets and media operations the BMC does not offer', async () => {
    bmc = await SimulatedBmc.start({
      tree: generateTree('lenovo', 2),
      credentials,
    });
    const auth = {
      authorization: `Basic ${Buffer.from(
        `admin:${credentials.password}`,
      ).toString('base64')}`,
    };
    const system = bmc.machine.systemPath;
    const patch = await call(
      bmc,
      'PATCH',
      system,
      { Boot: { BootSourceOverrideTarget: 'UefiTarget' } },
      auth,
    );
    expect(patch.status).toBe(400);
    expect(patch.body.error.message).toMatch(/not in the list/);
    const cd = '/redfish/v1/Managers/1/VirtualMedia/CD';
    expect(
      (
        await call(
          bmc,
          'PATCH',
          cd,
          { Image: 'http://x/a.iso', Inserted: true },
          auth,
        )
      ).status,
    ).toBe(204);
    expect(
      (
        await call(
          bmc,
          'PATCH',
          cd,
          { Image: 'http://x/b.iso', Inserted: true },
          auth,
        )
      ).status,
    ).toBe(409);
  });

  it('is broken and mended from outside through its control path', async () => {
    bmc = await SimulatedBmc.start({
      tree: generateTree('generic', 0),
      credentials,
    });
    const basic = {
      authorization: `Basic ${Buffer.from(
        `${credentials.username}:${credentials.password}`,
      ).toString('base64')}`,
    };
    expect(
      (await call(bmc, 'GET', '/redfish/v1/Systems', undefined, basic)).status,
    ).toBe(200);

    expect(
      (
        await call(bmc, 'PUT', SIM_FAULTS_PATH, [
          { kind: 'status', status: 503 },
        ])
      ).status,
    ).toBe(204);
    expect(
      (await call(bmc, 'GET', '/redfish/v1/Systems', undefined, basic)).status,
    ).toBe(503);

    expect((await call(bmc, 'PUT', SIM_FAULTS_PATH, [])).status).toBe(204);
    expect(
      (await call(bmc, 'GET', '/redfish/v1/Systems', undefined, basic)).status,
    ).toBe(200);

    expect(
      await call(bmc, 'PUT', SIM_FAULTS_PATH, [{ kind: 'explode' }]),
    ).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('[0].kind must be one of') },
    });
    expect((await call(bmc, 'GET', SIM_FAULTS_PATH)).status).toBe(405);
  });

  it('counts requests in flight and their maximum', async () => {
    bmc = await SimulatedBmc.start({
      tree: generateTree('ami', 3),
      credentials,
      latencyMs: 30,
    });
    await Promise.all(
      Array.from({ length: 5 }, () => simGet(bmc, '/redfish/v1/Systems')),
    );
    expect(bmc.counters.gauge.maxInFlight).toBe(5);
    expect(bmc.counters.gauge.inFlight).toBe(0);
    expect(bmc.counters.requests).toHaveLength(5);
    expect(
      bmc.counters.requests.every(
        r => r.status === 200 && r.endedAt! >= r.startedAt,
      ),
    ).toBe(true);
  });
});
