import {
  BmcProvisionerFactory,
  RedfishConnectionError,
  RedfishError,
} from '../redfish';
import { SIMULATED_VENDORS } from './layouts';
import { SimulatedFleet, startSimulatedFleet } from './fleet';
import { simGet } from './testing';

const IMAGE = 'https://192.0.2.20/leap-micro.iso';
const CONFIG = 'https://192.0.2.20/combustion/script';

describe('simulated fleet over HTTPS', () => {
  let fleet: SimulatedFleet;

  beforeAll(async () => {
    fleet = await startSimulatedFleet({
      count: SIMULATED_VENDORS.length * 2,
      https: true,
      powerDelayMs: 10,
      latencyMs: 2,
    });
  });

  afterAll(async () => {
    await fleet.stop();
  });

  it('serves a dozen mixed-vendor hosts on distinct URLs', () => {
    expect(fleet.hosts).toHaveLength(12);
    expect(new Set(fleet.hosts.map(h => h.url)).size).toBe(12);
    expect(new Set(fleet.hosts.map(h => h.vendor))).toEqual(
      new Set(SIMULATED_VENDORS),
    );
    fleet.hosts.forEach(h =>
      expect(h.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/),
    );
  });

  it('provisions every host in parallel, verifying the simulator certificate', async () => {
    const factory = new BmcProvisionerFactory({
      caBundles: { simulator: fleet.ca! },
      powerPollIntervalMs: 5,
      powerSettleTimeoutMs: 5_000,
    });
    const results = await Promise.all(
      fleet.hosts.map(async host => {
        const provisioner = factory.forHost(
          {
            address: host.url,
            credentialsRef: host.name,
            insecureSkipVerify: false,
            caBundleRef: 'simulator',
          },
          { username: host.username, password: host.password },
        );
        const inventory = await provisioner.inspect();
        await provisioner.insertMedia(IMAGE);
        const kernel = await provisioner.setKernelParams('LeapMicro', CONFIG);
        if (kernel.mechanism === 'biosAttribute') {
          await provisioner.setOneTimeBoot('Cd');
        }
        await provisioner.powerOn();
        await provisioner.ejectMedia();
        await provisioner.close();
        return { host, inventory, kernel };
      }),
    );
    for (const { host, inventory, kernel } of results) {
      expect(inventory.cpuCores).toBeGreaterThan(0);
      expect(inventory.memoryGiB).toBeGreaterThan(0);
      expect(inventory.diskGiB).toBeGreaterThan(0);
      expect(inventory.macAddresses).toHaveLength(2);
      expect(kernel.params).toBe(`combustion.path=${CONFIG}`);
      const boot = host.bmc.machine.boots.at(-1)!;
      const params = `combustion.path=${CONFIG}`;
      const booted =
        kernel.mechanism === 'uefiTarget'
          ? { media: boot.media, params: boot.uefiTarget?.split(' ')[1] }
          : {
              media: boot.media,
              params: boot.biosAttributes.KernelArgs,
              target: boot.target,
            };
      const wanted =
        kernel.mechanism === 'uefiTarget'
          ? { media: IMAGE, params }
          : { media: IMAGE, params, target: 'Cd' };
      expect(booted).toEqual(wanted);
      expect(
        (await simGet(host.bmc, host.bmc.machine.systemPath, fleet.ca))
          .PowerState,
      ).toBe('On');
    }
    expect(fleet.gauge.maxInFlight).toBeGreaterThan(1);
    expect(fleet.gauge.inFlight).toBe(0);
    await factory.close();
    fleet.hosts.forEach(h => {
      expect(h.bmc.sessionsOpen).toBe(0);
      expect(h.bmc.counters.sessionsCreated).toBe(1);
    });
  });

  it('refuses a certificate it cannot verify, unless the host opts out', async () => {
    const [host] = fleet.hosts;
    const creds = { username: host.username, password: host.password };
    const factory = new BmcProvisionerFactory({ retry: { maxAttempts: 1 } });
    const verified = factory.forHost(
      { address: host.url, credentialsRef: 'x', insecureSkipVerify: false },
      creds,
    );
    const error = await verified.inspect().catch(e => e);
    expect(error).toBeInstanceOf(RedfishConnectionError);
    expect(error.message).toMatch(/certificate/i);
    const insecure = factory.forHost(
      { address: host.url, credentialsRef: 'x', insecureSkipVerify: true },
      creds,
    );
    await expect(insecure.inspect()).resolves.toBeDefined();
    expect(() =>
      factory.forHost(
        {
          address: host.url,
          credentialsRef: 'x',
          insecureSkipVerify: false,
          caBundleRef: 'nope',
        },
        creds,
      ),
    ).toThrow(RedfishError);
    await factory.close();
  });
});
