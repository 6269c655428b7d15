import { Machine } from '@beskar7/backstage-plugin-beskar7-common';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import { useRestBackend } from '@beskar7/backend-testing/http';
import { SimulatedBmcOptions } from '../simulator';
import { simGet } from '../simulator/testing';

const databases = createTestDatabases();
const credentials = { username: 'admin', password: 'clean-Up-7' };

/**
 * A host is handed on clean, on every Redfish service: the boot override
 * is cleared where the service wants the whole Boot object, a release whose
 * cleanup fails for good still ends, and a recovery cleans up before
 * Available. Through the public API, over HTTP to simulated BMCs.
 */
describe.each(databases.eachSupportedId())('cleanup on %p', databaseId => {
  const { get, post, register, hostsOfPool, startBmc } = useRestBackend(
    databases,
    databaseId,
    {
      credentials,
      provisioning: { retry: { maxRetries: 1, initialBackoff: '0s' } },
    },
  );
  let unit = 40;
  const enrol = async (
    pool: string,
    options: Omit<Partial<SimulatedBmcOptions>, 'tree' | 'credentials'> & {
      bootOverrideEnabled?: string[];
    } = {},
  ) => {
    const { bootOverrideEnabled, ...rest } = options;
    const bmc = await startBmc('hpe', (unit += 1), {
      ...rest,
      tree: { bootOverrideEnabled },
    });
    const res = await register(pool, pool, bmc.url);
    expect(res.status).toBe(201);
    await eventually(
      () => hostsOfPool(pool),
      ([h]) => h?.state === 'Available',
    );
    return bmc;
  };
  const provision = async (pool: string, mode = 'PreBakedISO') => {
    const machine = (
      await post('/machines', {
        name: `${pool}-${mode.toLowerCase()}`,
        imageUrl: 'https://images.example/os.iso',
        osFamily: 'flatcar',
        provisioningMode: mode,
        requirements: { pool },
      })
    ).body as Machine;
    return eventually(
      () => get(`/machines/${machine.id}`),
      m => ['Provisioned', 'Failed'].includes(m.phase),
    );
  };

  it('clears the override on a service that wants the whole Boot object', async () => {
    const bmc = await enrol('whole-boot', {
      wholeBootPatch: true,
      bootOverrideEnabled: ['Disabled', 'Continuous'],
    });
    const machine = await provision('whole-boot');
    expect([machine.phase, machine.failureReason]).toEqual([
      'Provisioned',
      undefined,
    ]);
    const boot = (await simGet(bmc, bmc.machine.systemPath)).Boot;
    expect([
      boot.BootSourceOverrideEnabled,
      boot.BootSourceOverrideTarget,
    ]).toEqual(['Disabled', 'None']);
    expect(boot.BootSourceOverrideMode).toBe('UEFI');
    expect(bmc.machine.boots.map(b => b.target)).toEqual(['Cd']);

    await post(`/machines/${machine.id}/release`);
    await eventually(
      () => get(`/machines/${machine.id}`),
      m => m.phase === 'Released',
    );
    expect((await hostsOfPool('whole-boot'))[0].state).toBe('Available');
  }, 60_000);

  it("ends a release whose cleanup fails for good: the host is in Error with the BMC's reason, the machine Released", async () => {
    const bmc = await enrol('stuck');
    const machine = await provision('stuck', 'PXE');
    expect(machine.phase).toBe('Provisioned');
    bmc.faults.set([{ kind: 'status', status: 400, operations: ['reset'] }]);
    await post(`/machines/${machine.id}/release`);
    const released = await eventually(
      () => get(`/machines/${machine.id}`),
      m => m.phase === 'Released',
    );
    expect(released.hostId).toBeUndefined();
    expect(released.failureReason).toMatch(
      /^the cleanup of host default\/stuck failed: .*Simulated failure \(HTTP 400\)/,
    );
    const [host] = await hostsOfPool('stuck');
    expect(host.state).toBe('Error');
    expect(host.consumerId).toBeUndefined();
    expect(host.errorMessage).toContain('Simulated failure (HTTP 400)');
    expect(host.errorMessage).not.toContain(credentials.password);
  }, 60_000);

  it('recovers a failed provisioning only after the cleanup: ejected, no override, powered off, verified', async () => {
    const bmc = await enrol('dirty');
    const reset = bmc.machine.system.Actions['#ComputerSystem.Reset'].target;
    bmc.machine.handle('POST', reset, { ResetType: 'On' });
    // The media goes in and the override is set; the restart is refused.
    bmc.faults.set([{ kind: 'status', status: 400, operations: ['reset'] }]);
    const machine = await provision('dirty');
    expect(machine.phase).toBe('Failed');
    const [failed] = await hostsOfPool('dirty');
    expect(failed.state).toBe('Error');
    const before = await simGet(bmc, bmc.machine.systemPath);
    expect(before.PowerState).toBe('On');
    expect(bmc.tree.ofType('VirtualMedia').some(d => d.Inserted)).toBe(true);

    bmc.faults.set([]);
    expect((await post(`/hosts/${failed.id}/recover`)).status).toBe(200);
    const recovered = await eventually(
      () => get(`/hosts/${failed.id}`),
      h => h.state === 'Available' || h.state === 'Error',
    );
    expect(recovered.state).toBe('Available');
    expect(recovered.powerState).toBe('Off');
    expect(recovered.consumerId).toBeUndefined();
    const after = await simGet(bmc, bmc.machine.systemPath);
    expect(after.PowerState).toBe('Off');
    expect(after.Boot.BootSourceOverrideEnabled).toBe('Disabled');
    expect(bmc.tree.ofType('VirtualMedia').filter(d => d.Inserted)).toEqual([]);
    expect(
      recovered.events.slice(0, 3).map((e: { toState: string }) => e.toState),
    ).toEqual(['Available', 'Deprovisioning', 'Error']);
  }, 60_000);
});
