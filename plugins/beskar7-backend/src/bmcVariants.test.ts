import { Machine } from '@beskar7/backstage-plugin-beskar7-common';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import { useRestBackend } from '@beskar7/backend-testing/http';
import { generateTree, SimulatedBmc, SimulatedBmcOptions } from './simulator';
import { simGet } from './simulator/testing';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';

const databases = createTestDatabases();
const credentials = { username: 'admin', password: 'variants-Secret-3' };
// Each BMC is a server of its own (its own UUID and serial).
let unit = 0;
const tree = (opts: Parameters<typeof generateTree>[2]) =>
  generateTree('supermicro', (unit += 1), opts);
const tree3 = () => tree({ systems: 3 });

/**
 * BMCs unlike the usual one-server, session-offering kind, through the
 * public API: an enclosure with several systems, BMCs that do not honour a
 * one-time boot override, and a deprovisioning that fails half-way.
 */
describe.each(databases.eachSupportedId())(
  'real-world BMCs on %p',
  databaseId => {
    const { get, post, register, hostsOfPool, startBmc } = useRestBackend(
      databases,
      databaseId,
      { credentials },
    );
    const startVariant = (
      layout: Parameters<typeof generateTree>[2],
      options: Omit<Partial<SimulatedBmcOptions>, 'tree' | 'credentials'> = {},
    ) => startBmc('supermicro', (unit += 1), { ...options, tree: layout });
    let bmcs: SimulatedBmc[] = [];
    beforeAll(async () => {
      bmcs = await Promise.all([
        startVariant({ systems: 3 }),
        startVariant({ bootOverrideEnabled: ['Disabled', 'Continuous'] }),
        startVariant(
          { sessionService: false },
          { onceBecomesContinuous: true },
        ),
        startVariant({}, { sessionCreatedStatus: 204 }),
        startVariant({ virtualMedia: false }),
      ]);
    });

    it('registers every system of an enclosure as its own host, each once', async () => {
      const enclosure = bmcs[0];
      expect(
        (await register('blade', 'enclosure', `${enclosure.url}/`)).status,
      ).toBe(201);
      const hosts = await eventually(
        () => hostsOfPool('enclosure'),
        all => all.length === 3 && all.every(h => h.state === 'Available'),
      );
      expect(hosts.map(h => [h.name, h.systemId])).toEqual([
        ['blade', 'Node1'],
        ['blade-node2', 'Node2'],
        ['blade-node3', 'Node3'],
      ]);
      // Each host is read from its own system, not the first one.
      expect(new Set(hosts.map(h => h.hardware.serialNumber)).size).toBe(3);
      expect(hosts[1].hardware.serialNumber).toBe(
        (await simGet(enclosure, '/redfish/v1/Systems/Node2')).SerialNumber,
      );

      const again = await register(
        'blade-again',
        'enclosure',
        `${enclosure.url}/redfish/v1/Systems/Node2`,
      );
      expect(again.status).toBe(409);
      expect(again.body.error.message).toContain('default/blade-node2');

      // A system the BMC does not have is refused, naming those it has.
      const ghost = await register(
        'ghost',
        'ghost',
        `${enclosure.url}/redfish/v1/Systems/Node9`,
      );
      expect(ghost.status).toBe(400);
      expect(ghost.body.error.message).toBe(
        'Invalid host registration: bmc.address: the BMC has no system "Node9"; it lists Node1, Node2, Node3',
      );
      expect(await hostsOfPool('ghost')).toEqual([]);

      // A BMC that cannot be asked now: enrolment asks again and reports.
      const silent = await SimulatedBmc.start({ tree: tree3(), credentials });
      const address = `${silent.url}/redfish/v1/Systems/Node9`;
      await silent.stop();
      expect((await register('later', 'later', address)).status).toBe(201);
      const [later] = await eventually(
        () => hostsOfPool('later'),
        ([h]) => h?.state === 'Error',
      );
      expect(later.errorMessage).toMatch(/ECONNREFUSED|connect/i);
    }, 60_000);

    it('provisions PreBakedISO and PXE where Once is not honoured, and clears the override', async () => {
      expect(
        (await register('continuous-only', 'continuous', bmcs[1].url)).status,
      ).toBe(201);
      expect(
        (await register('once-kept', 'continuous', bmcs[2].url)).status,
      ).toBe(201);
      await eventually(
        () => hostsOfPool('continuous'),
        all => all.length === 2 && all.every(h => h.state === 'Available'),
      );
      const machines: Machine[] = [];
      for (const mode of ['PreBakedISO', 'PXE']) {
        const res = await post('/machines', {
          name: `cont-${mode.toLowerCase()}`,
          imageUrl: 'https://images.example/os.iso',
          osFamily: 'flatcar',
          provisioningMode: mode,
          requirements: { pool: 'continuous' },
        });
        expect(res.status).toBe(201);
        machines.push(res.body);
      }
      const done = await eventually(
        () => Promise.all(machines.map(m => get(`/machines/${m.id}`))),
        all => all.every(m => ['Provisioned', 'Failed'].includes(m.phase)),
      );
      expect(done.map(m => [m.phase, m.failureReason])).toEqual([
        ['Provisioned', undefined],
        ['Provisioned', undefined],
      ]);
      for (const bmc of [bmcs[1], bmcs[2]]) {
        // It booted what was asked, and will not boot it again at the next reset.
        expect(bmc.machine.boots.map(b => b.target)).toEqual([
          expect.stringMatching(/^(Cd|Pxe)$/),
        ]);
        expect(
          (await simGet(bmc, bmc.machine.systemPath)).Boot
            .BootSourceOverrideEnabled,
        ).toBe('Disabled');
      }
    }, 60_000);

    it('recovers a failed deprovisioning by running it again before Available', async () => {
      const bmc = bmcs[3];
      expect((await register('flaky', 'flaky', bmc.url)).status).toBe(201);
      await eventually(
        () => hostsOfPool('flaky'),
        ([h]) => h?.state === 'Available',
      );
      const machine = (
        await post('/machines', {
          name: 'flaky-0',
          imageUrl: 'https://images.example/os.iso',
          osFamily: 'flatcar',
          provisioningMode: 'PreBakedISO',
          requirements: { pool: 'flaky' },
        })
      ).body as Machine;
      await eventually(
        () => get(`/machines/${machine.id}`),
        m => m.phase === 'Provisioned',
      );
      // The BMC refuses to power off mid-way through the cleanup.
      bmc.faults.set([{ kind: 'status', status: 400, operations: ['reset'] }]);
      await post(`/machines/${machine.id}/release`);
      const [failed] = await eventually(
        () => hostsOfPool('flaky'),
        ([h]) => h.state === 'Error',
      );
      expect(failed.powerState).toBe('On');

      bmc.faults.set([]);
      expect((await post(`/hosts/${failed.id}/recover`)).status).toBe(200);
      const [recovered] = await eventually(
        () => hostsOfPool('flaky'),
        ([h]) => h.state === 'Available',
      );
      expect(recovered.powerState).toBe('Off');
      const system = await simGet(bmc, bmc.machine.systemPath);
      expect(system.PowerState).toBe('Off');
      expect(system.Boot.BootSourceOverrideEnabled).toBe('Disabled');
      const media = bmc.tree.ofType('VirtualMedia').filter(d => d.Inserted);
      expect(media).toEqual([]);
      const details = await get(`/hosts/${failed.id}`);
      expect(
        details.events.slice(0, 3).map((e: { toState: string }) => e.toState),
      ).toEqual(['Available', 'Deprovisioning', 'Error']);
    }, 60_000);

    it('records what a BMC offers, and never claims one without CD/DVD virtual media for an ISO machine', async () => {
      const netboot = bmcs[4];
      expect((await register('netboot', 'netboot', netboot.url)).status).toBe(
        201,
      );
      const [host] = await eventually(
        () => hostsOfPool('netboot'),
        ([h]) => h?.state === 'Available',
      );
      const system = await simGet(netboot, netboot.machine.systemPath);
      expect(host.capabilities).toEqual({
        virtualMediaTypes: [],
        bootSourceOverrideTargets:
          system.Boot['BootSourceOverrideTarget@Redfish.AllowableValues'],
      });
      expect(host.capabilities?.bootSourceOverrideTargets).toContain('Pxe');
      expect(host.capabilities?.bootSourceOverrideTargets).not.toContain('Cd');
      expect(host.bmcVendor).toBe('supermicro');
      // A BMC with virtual media: its media types, read from its devices.
      const usual = await startVariant({});
      expect((await register('usual', 'usual', usual.url)).status).toBe(201);
      const [withMedia] = await eventually(
        () => hostsOfPool('usual'),
        ([h]) => h?.state === 'Available',
      );
      expect(withMedia.capabilities?.virtualMediaTypes).toEqual([
        'CD',
        'DVD',
        'USBStick',
      ]);

      const machine = (mode: string) =>
        post('/machines', {
          name: `netboot-${mode.toLowerCase()}`,
          imageUrl: 'https://images.example/os.iso',
          osFamily: 'flatcar',
          provisioningMode: mode,
          configUrl: 'https://config.example/node.yaml',
          requirements: { pool: 'netboot' },
        });
      // The ISO machines ask first; only the PXE one gets the host.
      const iso = [
        (await machine('PreBakedISO')).body as Machine,
        (await machine('RemoteConfig')).body as Machine,
      ];
      const pxe = (await machine('PXE')).body as Machine;
      await eventually(
        () => get(`/machines/${pxe.id}`),
        m => m.phase === 'Provisioned',
      );
      for (const m of iso) {
        expect(await get(`/machines/${m.id}`)).toMatchObject({
          phase: 'Pending',
        });
        expect((await get(`/machines/${m.id}`)).hostId).toBeUndefined();
      }
      expect((await get(`/hosts/${host.id}`)).consumerId).toBe(pxe.id);
      expect(netboot.machine.boots.map(b => b.target)).toEqual(['Pxe']);
      // Withdrawn, they end without ever having had a host.
      for (const m of iso) {
        expect((await post(`/machines/${m.id}/release`)).status).toBe(200);
      }
      const released = await eventually(
        () => Promise.all(iso.map(m => get(`/machines/${m.id}`))),
        all => all.every(m => m.phase === 'Released'),
      );
      expect(released.map(m => m.hostId)).toEqual([undefined, undefined]);
    }, 60_000);
  },
);
