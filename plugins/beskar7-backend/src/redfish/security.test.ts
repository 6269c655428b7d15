import { inspect } from 'node:util';
import { capturingLogger } from '@beskar7/backend-testing/logging';
import { generateTree, SimulatedBmc } from '../simulator';
import { BmcProvisionerFactory } from './factory';

const PASSWORD = 'Pa55-never-LEAK-b7';
const credentials = { username: 'admin', password: PASSWORD };

it('keeps the password out of logs, errors, results and inspected objects', async () => {
  const bmc = await SimulatedBmc.start({
    tree: generateTree('lenovo', 3),
    credentials,
    faults: [
      { kind: 'status', status: 500, operations: ['read'], after: 6, times: 2 },
      { kind: 'expireSession', operations: ['read'], after: 10, times: 1 },
      { kind: 'status', status: 503, operations: ['reset'] },
    ],
  });
  const lines: string[] = [];
  const seen: unknown[] = [];
  const factory = new BmcProvisionerFactory({
    logger: capturingLogger(lines),
    requestTimeoutMs: 500,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    onOperation: event => seen.push(event),
  });
  const connection = {
    address: bmc.url,
    credentialsRef: 'lab',
    insecureSkipVerify: false,
  };
  const provisioner = factory.forHost(connection, credentials);
  const wrong = factory.forHost(
    { ...connection, address: bmc.url.replace('127.0.0.1', 'localhost') },
    { username: 'admin', password: `${PASSWORD}-old` },
  );

  seen.push(await provisioner.inspect());
  seen.push(await provisioner.insertMedia('http://192.0.2.1/a.iso'));
  seen.push(
    await provisioner.setKernelParams('flatcar', 'http://192.0.2.1/ign.json'),
  );
  seen.push(await provisioner.powerOn().catch(e => e));
  seen.push(await wrong.inspect().catch(e => e));
  seen.push(factory.circuitStatuses());

  const errors = seen.filter((s): s is Error => s instanceof Error);
  expect(errors.map(e => e.name).sort()).toEqual([
    'RedfishAuthError',
    'RedfishHttpError',
  ]);
  const haystack = [
    ...lines,
    ...seen.map(s => JSON.stringify(s)),
    ...seen.map(s => inspect(s, { depth: 10 })),
    ...errors.map(e => `${e.message}\n${e.stack}`),
    inspect(provisioner, { depth: 6, showHidden: true }),
    inspect(factory, { depth: 6, showHidden: true }),
  ].join('\n');
  expect(lines.length).toBeGreaterThan(0);
  // The scan sees what the client handled: the config URL went through it.
  expect(haystack).toContain(
    'flatcar.ignition.config.url=http://192.0.2.1/ign.json',
  );
  expect(haystack).not.toContain(PASSWORD);
  expect(haystack).not.toContain(
    Buffer.from(`admin:${PASSWORD}`).toString('base64'),
  );

  await provisioner.close();
  await wrong.close();
  await factory.close();
  expect(bmc.sessionsOpen).toBe(0);
  await bmc.stop();
});
