import { generateTree, SimulatedBmc } from '../simulator';
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
});
