import { generateTree, SimulatedBmc } from '../simulator';
import { generateSimulatorCertificate } from '../simulator/tls';
import { simGet } from '../simulator/testing';
import { checkBmc } from './bmcCheck';

const credentials = { username: 'admin', password: 'check-Secret-9' };

describe('bmc:check', () => {
  it('reads a Basic-only BMC check by check and changes nothing', async () => {
    const bmc = await SimulatedBmc.start({
      tree: generateTree('hpe', 2, { sessionService: false }),
      credentials,
    });
    const results = await checkBmc(bmc.url, credentials);
    await bmc.stop();
    expect(results.map(r => [r.check, r.ok])).toEqual([
      ['login and systems', true],
      ['inventory', true],
      ['power state', true],
      ['boot override', true],
      ['virtual media', true],
      ['kernel parameters', true],
    ]);
    expect(results[1].detail).toMatch(/^hpe-ilo: HPE /);
    const writes = bmc.counters.requests.filter(r => r.method !== 'GET');
    expect(writes).toEqual([]);
    expect(JSON.stringify(results)).not.toContain(credentials.password);
  });

  it('with --write, boots the named system of an enclosure from media and leaves it clean', async () => {
    const bmc = await SimulatedBmc.start({
      tree: generateTree('dell', 4, {
        systems: 2,
        bootOverrideEnabled: ['Disabled', 'Continuous'],
      }),
      credentials,
    });
    const failed = (
      await checkBmc(bmc.url, credentials, {
        write: { systemId: 'Node2', imageUrl: 'http://192.0.2.1/os.iso' },
      })
    ).filter(r => !r.ok);
    const [first, second] = bmc.machines;
    const system = await simGet(bmc, second.systemPath);
    await bmc.stop();
    expect(failed).toEqual([]);
    expect(first.boots).toEqual([]);
    expect(second.boots.map(b => [b.target, b.media])).toEqual([
      ['Cd', 'http://192.0.2.1/os.iso'],
    ]);
    expect(system.PowerState).toBe('Off');
    expect(system.Boot.BootSourceOverrideEnabled).toBe('Disabled');
  });

  it('logs out of the session it made before it returns', async () => {
    const bmc = await SimulatedBmc.start({
      tree: generateTree('dell', 5),
      credentials,
    });
    const results = await checkBmc(bmc.url, credentials);
    const open = bmc.sessionsOpen;
    await bmc.stop();
    expect(results.every(r => r.ok)).toBe(true);
    expect(bmc.counters.sessionsCreated).toBe(1);
    expect(open).toBe(0);
  });

  it('stops at a wrong password after one login, with a hint', async () => {
    const bmc = await SimulatedBmc.start({
      tree: generateTree('lenovo', 6),
      credentials,
    });
    const wrong = { ...credentials, password: 'wrong-Password-1' };
    const results = await checkBmc(bmc.url, wrong);
    await bmc.stop();
    expect(results).toHaveLength(1);
    expect(results[0].ok).toBe(false);
    expect(results[0].detail).toMatch(
      /rejected the credentials.*check --username and the password file/,
    );
    expect(bmc.counters.loginFailures).toBe(1);
    expect(JSON.stringify(results)).not.toContain(wrong.password);
  });

  it('stops at an untrusted certificate, naming --ca-file and --insecure', async () => {
    const tls = await generateSimulatorCertificate();
    const bmc = await SimulatedBmc.start({
      tree: generateTree('hpe', 7),
      credentials,
      tls,
    });
    const refused = await checkBmc(bmc.url, credentials);
    const trusted = await checkBmc(bmc.url, credentials, { caBundle: tls.ca });
    await bmc.stop();
    expect(refused).toHaveLength(1);
    expect(refused[0].detail).toMatch(/certificate/i);
    expect(refused[0].detail).toMatch(/--ca-file .*--insecure/);
    expect(trusted.every(r => r.ok)).toBe(true);
  });

  it('waits for a BMC that never answers once, not once per check', async () => {
    const bmc = await SimulatedBmc.start({
      tree: generateTree('supermicro', 8),
      credentials,
      faults: [{ kind: 'timeout', operations: ['serviceRoot'] }],
    });
    const results = await checkBmc(bmc.url, credentials, { timeoutMs: 300 });
    const requests = bmc.counters.requests.length;
    await bmc.stop();
    expect(results).toHaveLength(1);
    expect(results[0].detail).toMatch(/timed out after 300 ms/);
    expect(requests).toBe(1);
  });
});
