import {
  PROVISIONING_MODES,
  provisioningModesFor,
} from '@beskar7/backstage-plugin-beskar7-common';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  BootRecord,
  loadMockupTree,
  ResourceTree,
  SimulatedBmc,
} from '../simulator';
import { simGet } from '../simulator/testing';
import { BmcProvisionerFactory } from './factory';
import { BmcProvisioner } from './types';

/**
 * Captures from real BMCs: test data beside the repository, never read by the
 * product. CI names them (BESKAR7_REDFISH_MOCKUPS) and then they must be
 * there; a clone without them skips this suite and says so.
 */
const MOCKUPS =
  process.env.BESKAR7_REDFISH_MOCKUPS ??
  resolve(__dirname, '../../../../../shared/redfish-mockups');
const required = Boolean(process.env.BESKAR7_REDFISH_MOCKUPS);
const available = existsSync(MOCKUPS);
if (!available) {
  // eslint-disable-next-line no-console
  console.warn(`Redfish mockups not found at ${MOCKUPS}: mockup tests skipped`);
}
const describeWithMockups = available ? describe : describe.skip;

const IMAGE = 'http://192.0.2.10/images/kairos-v3.iso';
const CONFIG = 'http://192.0.2.10/configs/node-1.yaml';
const credentials = { username: 'root', password: 'mockup-Secret-42' };

interface Expectation {
  vendor: string;
  manufacturer: string;
  model: string;
  serialNumber: string;
  cpuCores?: number;
  memoryGiB?: number;
  macCount: number;
  /** What the system's interfaces report in IPv4Addresses that reaches something. */
  ipAddresses?: string[];
  diskCount: number;
  /** Virtual media device the client should choose; none in partial captures. */
  media?: string;
  /** Kernel params outcome: where they read back from, or the error the BMC gives. */
  kernelParams:
    | { mechanism: 'uefiTarget' | 'biosAttribute' }
    | { error: RegExp };
}

const TREES: Record<string, Expectation> = {
  'dell-idrac9': {
    vendor: 'dell-idrac',
    manufacturer: 'Dell Inc.',
    model: 'PowerEdge R6515',
    serialNumber: 'CNCMU0005400IJ',
    memoryGiB: 64,
    macCount: 0,
    diskCount: 0,
    media: '/redfish/v1/Systems/System.Embedded.1/VirtualMedia/2',
    kernelParams: { mechanism: 'uefiTarget' },
  },
  'hpe-ilo5-dl325': {
    vendor: 'hpe-ilo',
    manufacturer: 'HPE',
    model: 'ProLiant DL325 Gen10 Plus',
    serialNumber: 'MXQ019020B',
    cpuCores: 16,
    memoryGiB: 64,
    macCount: 4,
    // Its interfaces say "N/A" or nothing.
    diskCount: 0,
    media: '/redfish/v1/Managers/1/VirtualMedia/2',
    // iLO only accepts the UEFI device paths it lists.
    kernelParams: { error: /not in the list of acceptable values/ },
  },
  'lenovo-xcc': {
    vendor: 'lenovo-xcc',
    manufacturer: 'Lenovo',
    model: 'ThinkSystem SR650',
    serialNumber: 'J100ABCD',
    macCount: 1,
    ipAddresses: ['192.168.10.20'],
    diskCount: 0,
    media: '/redfish/v1/Managers/1/VirtualMedia/CD',
    kernelParams: { mechanism: 'biosAttribute' },
  },
  'supermicro-x11': {
    vendor: 'supermicro',
    manufacturer: 'Supermicro',
    model: 'SYS-510T-MR-EI018',
    serialNumber: 'S482931X2814218',
    memoryGiB: 64,
    macCount: 4,
    diskCount: 2,
    kernelParams: { error: /Bios resource .* does not exist/ },
  },
  'ami-megarac-gigabyte': {
    vendor: 'ami-megarac',
    manufacturer: 'GIGABYTE',
    model: 'H262-Z63-00',
    serialNumber: 'GJG9NF512A000302',
    cpuCores: 128,
    memoryGiB: 244,
    // Interfaces 2 and 3 report the same MAC (a bond); listed once.
    macCount: 2,
    diskCount: 1,
    media: '/redfish/v1/Managers/Self/VirtualMedia/CD1',
    kernelParams: { mechanism: 'uefiTarget' },
  },
};

it('finds the mockup trees when they are required', () => {
  expect(available || !required).toBe(true);
});

/** What an operation gave, as one line, so that each expectation is one comparison. */
const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    value => `ok: ${JSON.stringify(value)}`,
    (error: Error) => `${error.name}: ${error.message}`,
  );

const NO_MEDIA = /^RedfishUnsupportedError: .*no CD\/DVD virtual media/;
const okLine = (value: unknown) => `ok: ${JSON.stringify(value)}`;

describeWithMockups.each(Object.entries(TREES))(
  'mockup %s',
  (name, expected) => {
    let pristine: ResourceTree;
    let bmc: SimulatedBmc;
    let factory: BmcProvisionerFactory;
    let provisioner: BmcProvisioner;

    beforeAll(() => {
      pristine = loadMockupTree(resolve(MOCKUPS, name));
    });

    beforeEach(async () => {
      bmc = await SimulatedBmc.start({
        tree: pristine.clone(),
        credentials,
        powerDelayMs: 20,
      });
      factory = new BmcProvisionerFactory({
        powerPollIntervalMs: 5,
        powerSettleTimeoutMs: 5_000,
        requestTimeoutMs: 5_000,
      });
      provisioner = factory.forHost(
        { address: bmc.url, credentialsRef: 'test', insecureSkipVerify: false },
        credentials,
      );
    });

    /** Closes everything and tells how many sessions were left on the BMC. */
    const teardown = async () => {
      await provisioner.close();
      await factory.close();
      return bmc.sessionsOpen;
    };

    afterEach(async () => {
      await factory.close();
      await bmc.stop();
    });

    it('discovers the system and reads the inventory', async () => {
      const inventory = await provisioner.inspect();
      expect(inventory).toMatchObject({
        vendor: expected.vendor,
        manufacturer: expected.manufacturer,
        model: expected.model,
        serialNumber: expected.serialNumber,
        cpuCores: expected.cpuCores,
        memoryGiB: expected.memoryGiB,
        powerState: 'On',
      });
      expect(inventory.macAddresses).toHaveLength(expected.macCount);
      expect(
        inventory.macAddresses.filter(
          m => !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(m),
        ),
      ).toEqual([]);
      expect(inventory.ipAddresses).toEqual(expected.ipAddresses);
      expect(inventory.disks).toHaveLength(expected.diskCount);
      const media = await outcome(
        provisioner.getMedia().then(m => m.devicePath),
      );
      expect(media).toMatch(expected.media ? okLine(expected.media) : NO_MEDIA);
      // What it offers, as the capture lists it; without CD/DVD media (the
      // partial capture) only the network modes remain.
      const { Boot } = await simGet(bmc, inventory.systemPath);
      const { virtualMediaTypes, ...boot } = inventory.capabilities;
      expect(virtualMediaTypes.includes('CD')).toBe(Boolean(expected.media));
      expect(boot).toEqual({
        bootSourceOverrideTargets:
          Boot['BootSourceOverrideTarget@Redfish.AllowableValues'],
        ...(Boot['BootSourceOverrideMode@Redfish.AllowableValues'] && {
          bootSourceOverrideModes:
            Boot['BootSourceOverrideMode@Redfish.AllowableValues'],
        }),
      });
      expect(provisioningModesFor(inventory.capabilities, 'UEFI')).toEqual(
        expected.media ? [...PROVISIONING_MODES] : ['PXE', 'iPXE'],
      );
      expect(bmc.counters.sessionsCreated).toBe(1);
      expect(await teardown()).toBe(0);
    });

    it('runs insert media, one-time boot, power cycle and eject', async () => {
      const system = bmc.machine.systemPath;
      const bootTarget = expected.media ? 'Cd' : 'Pxe';
      const device = () =>
        expected.media ? simGet(bmc, expected.media) : Promise.resolve({});

      const inserted = await outcome(
        provisioner.insertMedia(IMAGE).then(m => m.image),
      );
      expect(inserted).toMatch(expected.media ? okLine(IMAGE) : NO_MEDIA);
      expect(await device()).toMatchObject(
        expected.media ? { Image: IMAGE, Inserted: true } : {},
      );

      await provisioner.setOneTimeBoot(bootTarget);
      expect((await simGet(bmc, system)).Boot).toMatchObject({
        BootSourceOverrideTarget: bootTarget,
        BootSourceOverrideEnabled: 'Once',
      });

      await provisioner.reboot();
      expect((await simGet(bmc, system)).PowerState).toBe('On');
      expect(bmc.machine.boots).toEqual([
        expect.objectContaining({
          target: bootTarget,
          media: expected.media ? IMAGE : undefined,
        }),
      ]);
      // The override was for one boot only.
      expect((await simGet(bmc, system)).Boot.BootSourceOverrideEnabled).toBe(
        'Disabled',
      );

      await provisioner.powerOff({ force: true });
      expect((await simGet(bmc, system)).PowerState).toBe('Off');
      await provisioner.powerOn();
      expect((await simGet(bmc, system)).PowerState).toBe('On');
      expect(bmc.machine.boots.map(b => b.target)).toEqual([
        bootTarget,
        'None',
      ]);

      const ejected = await outcome(
        provisioner.ejectMedia().then(m => m.inserted),
      );
      expect(ejected).toMatch(expected.media ? okLine(false) : NO_MEDIA);
      expect(await device()).toMatchObject(
        expected.media ? { Inserted: false } : {},
      );
      expect(bmc.counters.sessionsCreated).toBe(1);
      expect(await teardown()).toBe(0);
    });

    it('sets the RemoteConfig kernel parameters by the vendor mechanism', async () => {
      const params = `config_url=${CONFIG}`;
      const set = await outcome(provisioner.setKernelParams('kairos', CONFIG));
      expect(set).toMatch(
        'error' in expected.kernelParams
          ? expected.kernelParams.error
          : okLine({ mechanism: expected.kernelParams.mechanism, params }),
      );
      expect(await teardown()).toBe(0);
    });
  },
);

/** After a boot, what the machine booted with, in the shape of the mechanism. */
function bootedWith(
  boot: BootRecord,
  mechanism: 'uefiTarget' | 'biosAttribute',
) {
  return mechanism === 'uefiTarget'
    ? {
        target: boot.target,
        params: boot.uefiTarget?.split(' ').slice(1).join(' '),
        media: boot.media,
      }
    : { params: boot.biosAttributes.KernelArgs };
}

const ACCEPTING = Object.entries(TREES).flatMap(([name, e]) =>
  'mechanism' in e.kernelParams
    ? [{ name, mechanism: e.kernelParams.mechanism, media: e.media }]
    : [],
);

describeWithMockups('kernel parameters', () => {
  it.each(ACCEPTING)(
    '$name boots with the kernel parameters it accepted',
    async ({ name, mechanism, media }) => {
      const bmc = await SimulatedBmc.start({
        tree: loadMockupTree(resolve(MOCKUPS, name)),
        credentials,
      });
      const factory = new BmcProvisionerFactory({ powerPollIntervalMs: 5 });
      const provisioner = factory.forHost(
        { address: bmc.url, credentialsRef: 'test', insecureSkipVerify: false },
        credentials,
      );
      const params = `config_url=${CONFIG}`;
      await provisioner.setKernelParams('kairos', CONFIG);
      await outcome(provisioner.insertMedia(IMAGE));
      await provisioner.reboot();
      expect(bootedWith(bmc.machine.boots[0], mechanism)).toEqual(
        mechanism === 'uefiTarget'
          ? { target: 'UefiTarget', params, media: media && IMAGE }
          : { params },
      );
      expect(await provisioner.getKernelParams()).toEqual({
        mechanism,
        params,
      });
      await provisioner.close();
      await factory.close();
      expect(bmc.sessionsOpen).toBe(0);
      await bmc.stop();
    },
  );
});
