import { generateTree, SimFault, SimulatedBmc } from '../simulator';
import { simGet } from '../simulator/testing';
import {
  BmcUnavailableError,
  RedfishAuthError,
  RedfishConnectionError,
  RedfishHttpError,
} from './errors';
import { BmcProvisionerFactory, BmcProvisionerFactoryOptions } from './factory';

const credentials = { username: 'admin', password: 'fault-Secret-7' };
const IMAGE = 'http://192.0.2.10/images/flatcar.iso';

async function setup(
  faults: SimFault[],
  options: Partial<BmcProvisionerFactoryOptions> = {},
  bmcOptions: {
    operationLatencyMs?: Record<string, number>;
    sessionService?: boolean;
  } = {},
) {
  const bmc = await SimulatedBmc.start({
    tree: generateTree('dell', 0),
    credentials,
    faults,
    ...bmcOptions,
  });
  const factory = new BmcProvisionerFactory({
    requestTimeoutMs: 300,
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40 },
    powerPollIntervalMs: 5,
    powerSettleTimeoutMs: 2_000,
    ...options,
  });
  const provisioner = factory.forHost(
    { address: bmc.url, credentialsRef: 'test', insecureSkipVerify: false },
    credentials,
  );
  const teardown = async () => {
    await provisioner.close();
    await factory.close();
    const leaked = bmc.sessionsOpen;
    await bmc.stop();
    return leaked;
  };
  return { bmc, factory, provisioner, teardown };
}

describe('Redfish client against a misbehaving BMC', () => {
  it('retries reads through transient 503s', async () => {
    const { bmc, provisioner, teardown } = await setup([
      { kind: 'status', status: 503, operations: ['read'], times: 2 },
    ]);
    await expect(provisioner.inspect()).resolves.toMatchObject({
      vendor: 'dell-idrac',
    });
    expect(bmc.counters.requests.filter(r => r.status === 503)).toHaveLength(2);
    expect(await teardown()).toBe(0);
  });

  it('gives up on a persistent 500 with the BMC message', async () => {
    const { bmc, provisioner, teardown } = await setup([
      { kind: 'status', status: 500, operations: ['reset'] },
    ]);
    const error = await provisioner.powerOn().catch(e => e);
    expect(error).toBeInstanceOf(RedfishHttpError);
    expect(error.message).toMatch(
      /POST .*ComputerSystem.Reset .* HTTP 500: Simulated failure \(HTTP 500\)/,
    );
    expect(bmc.counters.operations(op => op === 'reset')).toHaveLength(3);
    expect(await teardown()).toBe(0);
  });

  it('retries a read that timed out', async () => {
    const { provisioner, teardown } = await setup([
      { kind: 'timeout', operations: ['read'], after: 3, times: 1 },
    ]);
    await expect(provisioner.inspect()).resolves.toMatchObject({
      serialNumber: 'SIMDEL00000',
    });
    expect(await teardown()).toBe(0);
  });

  it('reports a BMC that never answers as a timeout', async () => {
    const { bmc, provisioner, teardown } = await setup([
      { kind: 'timeout', operations: ['read'], after: 2 },
    ]);
    const error = await provisioner.inspect().catch(e => e);
    expect(error).toBeInstanceOf(RedfishConnectionError);
    expect(error.message).toMatch(
      /GET \/redfish\/v1\/\S+ on http:\/\/127.0.0.1:\d+ got no answer: timed out after 300 ms/,
    );
    expect(bmc.counters.operations(op => op === 'read').length).toBe(2 + 3);
    expect(await teardown()).toBe(0);
  });

  it('does not repeat a POST that timed out (it may have been applied)', async () => {
    const { bmc, provisioner, teardown } = await setup(
      [],
      {},
      { operationLatencyMs: { insertMedia: 1_000 } },
    );
    await expect(provisioner.inspect()).resolves.toBeDefined();
    const error = await provisioner.insertMedia(IMAGE).catch(e => e);
    expect(error).toBeInstanceOf(RedfishConnectionError);
    expect(error.message).toMatch(/InsertMedia .* timed out/);
    expect(bmc.counters.operations(op => op === 'insertMedia')).toHaveLength(1);
    expect(await teardown()).toBe(0);
  });

  it('is slow only where the BMC is slow', async () => {
    const { provisioner, teardown } = await setup(
      [],
      {},
      { operationLatencyMs: { reset: 100 } },
    );
    await provisioner.insertMedia(IMAGE);
    await provisioner.powerOn();
    await expect(provisioner.powerState()).resolves.toBe('On');
    expect(await teardown()).toBe(0);
  });

  it('retries after a dropped connection', async () => {
    const { provisioner, teardown } = await setup([
      { kind: 'drop', operations: ['read'], after: 1, times: 1 },
    ]);
    await expect(provisioner.inspect()).resolves.toMatchObject({
      vendor: 'dell-idrac',
    });
    expect(await teardown()).toBe(0);
  });

  it('reports connections that keep dropping', async () => {
    const { provisioner, teardown } = await setup([
      { kind: 'drop', operations: ['reset'] },
    ]);
    const error = await provisioner.powerOn().catch(e => e);
    expect(error).toBeInstanceOf(RedfishConnectionError);
    expect(error.message).toMatch(/got no answer/);
    expect(await teardown()).toBe(0);
  });

  it('logs in again when the session expires, leaving one session', async () => {
    const { bmc, provisioner, teardown } = await setup([
      { kind: 'expireSession', operations: ['read'], after: 4, times: 1 },
    ]);
    await provisioner.inspect();
    await provisioner.insertMedia(IMAGE);
    expect(bmc.counters.sessionsCreated).toBe(2);
    expect(bmc.sessionsOpen).toBe(1);
    expect(await teardown()).toBe(0);
  });

  it('ejects and retries when the device is in use', async () => {
    const { bmc, provisioner, teardown } = await setup([
      { kind: 'mediaInUse', times: 1 },
    ]);
    await expect(provisioner.insertMedia(IMAGE)).resolves.toMatchObject({
      inserted: true,
      image: IMAGE,
    });
    const ops = bmc.counters
      .operations()
      .map(r => `${r.operation}:${r.status}`);
    expect(ops).toEqual([
      'insertMedia:409',
      'ejectMedia:204',
      'insertMedia:204',
    ]);
    expect(await teardown()).toBe(0);
  });

  it("ends a hung request when the operation's signal aborts, long before the request timeout", async () => {
    const bmc = await SimulatedBmc.start({
      tree: generateTree('dell', 2),
      credentials,
    });
    // Far beyond the test's own timeout: only the signal can end the request.
    const factory = new BmcProvisionerFactory({ requestTimeoutMs: 600_000 });
    const connection = {
      address: bmc.url,
      credentialsRef: 'test',
      insecureSkipVerify: false,
    };
    await factory.forHost(connection, credentials).inspect();
    bmc.faults.set([{ kind: 'timeout' }]);
    const deadline = new AbortController();
    const provisioner = factory.forHost(
      connection,
      credentials,
      undefined,
      deadline.signal,
    );
    const inserting = provisioner.insertMedia(IMAGE);
    setTimeout(() => deadline.abort(new Error('operation deadline')), 200);
    await expect(inserting).rejects.toThrow('operation deadline');
    // The deadline is the operation's, not the BMC's fault: the circuit stays closed.
    expect(factory.circuitStatus(bmc.url)?.state).toBe('closed');
    bmc.faults.clear();
    await provisioner.close();
    await factory.close();
    await bmc.stop();
  });

  it('rejects wrong credentials without retrying', async () => {
    const bmc = await SimulatedBmc.start({
      tree: generateTree('hpe', 1),
      credentials,
    });
    const factory = new BmcProvisionerFactory({ retry: { baseDelayMs: 1 } });
    const provisioner = factory.forHost(
      { address: bmc.url, credentialsRef: 'test', insecureSkipVerify: false },
      { username: 'admin', password: 'wrong' },
    );
    await expect(provisioner.inspect()).rejects.toThrow(RedfishAuthError);
    expect(bmc.counters.loginFailures).toBe(1);
    await factory.close();
    await bmc.stop();
  });

  it('falls back to basic auth when the BMC has no session service', async () => {
    const { bmc, provisioner, teardown } = await setup(
      [],
      {},
      { sessionService: false },
    );
    await expect(provisioner.inspect()).resolves.toMatchObject({
      vendor: 'dell-idrac',
    });
    await provisioner.insertMedia(IMAGE);
    expect(bmc.counters.sessionsCreated).toBe(0);
    expect(
      (
        await simGet(
          bmc,
          '/redfish/v1/Systems/System.Embedded.1/VirtualMedia/1',
        )
      ).Inserted,
    ).toBe(true);
    expect(await teardown()).toBe(0);
  });
});

describe('circuit breaker', () => {
  it('opens after repeated failures, fails fast, probes after the pause and closes', async () => {
    let now = 1_000_000;
    const { bmc, factory, provisioner, teardown } = await setup(
      [{ kind: 'status', status: 503, operations: ['read'] }],
      {
        retry: { maxAttempts: 1 },
        circuitBreaker: { failureThreshold: 3, openMs: 30_000, now: () => now },
      },
    );
    for (let i = 0; i < 3; i++) {
      await expect(provisioner.inspect()).rejects.toThrow(RedfishHttpError);
    }
    expect(factory.circuitStatus(bmc.url)).toMatchObject({
      state: 'open',
      consecutiveFailures: 3,
    });
    const before = bmc.counters.requests.length;
    const error = await provisioner.inspect().catch(e => e);
    expect(error).toBeInstanceOf(BmcUnavailableError);
    expect(error.message).toMatch(
      /unavailable until .* after repeated failures \(last error: .*HTTP 503/,
    );
    expect(bmc.counters.requests.length).toBe(before);

    now += 30_000;
    expect(factory.circuitStatus(bmc.url)?.state).toBe('half-open');
    bmc.faults.clear();
    await expect(provisioner.inspect()).resolves.toBeDefined();
    expect(factory.circuitStatuses()).toEqual([
      expect.objectContaining({
        address: bmc.url,
        state: 'closed',
        consecutiveFailures: 0,
      }),
    ]);
    expect(await teardown()).toBe(0);
  });

  it('opens while operations fail even though the unauthenticated service root answers', async () => {
    let now = 0;
    // No session kept between operations: each one reads the service root again.
    const { bmc, factory, provisioner, teardown } = await setup(
      [{ kind: 'status', status: 503, operations: ['read'] }],
      {
        retry: { maxAttempts: 1 },
        sessionIdleMs: 0,
        circuitBreaker: { failureThreshold: 3, openMs: 1_000, now: () => now },
      },
    );
    const connection = {
      address: bmc.url,
      credentialsRef: 'test',
      insecureSkipVerify: false,
    };
    await provisioner.close();
    const inspectOnce = async () => {
      const once = factory.forHost(connection, credentials);
      try {
        return await once.inspect();
      } finally {
        await once.close();
      }
    };
    for (let i = 0; i < 3; i++) {
      await expect(inspectOnce()).rejects.toThrow(RedfishHttpError);
    }
    expect(factory.circuitStatus(bmc.url)).toMatchObject({
      state: 'open',
      consecutiveFailures: 3,
    });

    // Half-open: the root read of a new client is no proof; the operation is.
    now += 1_000;
    await expect(inspectOnce()).rejects.toThrow(RedfishHttpError);
    expect(factory.circuitStatus(bmc.url)?.state).toBe('open');
    now += 1_000;
    bmc.faults.clear();
    await expect(inspectOnce()).resolves.toBeDefined();
    expect(factory.circuitStatus(bmc.url)).toMatchObject({
      state: 'closed',
      consecutiveFailures: 0,
    });
    // The retired clients log out in the background: no session count here.
    await teardown();
  });

  it('opens again when the probe fails', async () => {
    let now = 0;
    const { bmc, factory, provisioner, teardown } = await setup(
      [{ kind: 'status', status: 500, operations: ['read'] }],
      {
        retry: { maxAttempts: 1 },
        circuitBreaker: { failureThreshold: 1, openMs: 1_000, now: () => now },
      },
    );
    await expect(provisioner.inspect()).rejects.toThrow(RedfishHttpError);
    now += 1_000;
    await expect(provisioner.inspect()).rejects.toThrow(RedfishHttpError);
    expect(factory.circuitStatus(bmc.url)?.state).toBe('open');
    expect(await teardown()).toBe(0);
  });
});
