import {
  BmcConnection,
  hardwareLabel,
} from '@beskar7/backstage-plugin-beskar7-common';
import { createBmcProvisioner } from './factory';
import { BmcCredentials, BmcProvisioner } from './types';

/** One line of the report: what was tried and what came of it. */
export interface BmcCheckResult {
  check: string;
  ok: boolean;
  detail: string;
}

export interface BmcCheckOptions {
  /** Also power, set the boot override and mount media on `systemId`. */
  write?: { systemId: string; imageUrl: string };
  systemId?: string;
  caBundle?: string;
}

type Check = [string, (bmc: BmcProvisioner) => Promise<string>];

const READ_CHECKS: Check[] = [
  [
    'login and systems',
    async bmc => `systems: ${(await bmc.systems()).join(', ')}`,
  ],
  [
    'inventory',
    async bmc => {
      const i = await bmc.inspect();
      return `${i.vendor}: ${
        hardwareLabel(i.manufacturer, i.model) || '?'
      }, serial ${i.serialNumber ?? '?'}, ${i.cpuCores ?? '?'} cores, ${
        i.memoryGiB ?? '?'
      } GiB, ${i.disks.length} disk(s), MACs ${
        i.macAddresses.join(' ') || 'none'
      }`;
    },
  ],
  ['power state', async bmc => bmc.powerState()],
  [
    'boot override',
    async bmc => {
      const o = await bmc.getBootOverride();
      return `${o.target} (${o.enabled}${o.mode ? `, ${o.mode}` : ''})`;
    },
  ],
  [
    'virtual media',
    async bmc => {
      const m = await bmc.getMedia();
      return `${m.devicePath}: ${m.inserted ? `inserted ${m.image}` : 'empty'}`;
    },
  ],
  [
    'kernel parameters',
    async bmc => {
      const k = await bmc.getKernelParams();
      return k ? `${k.mechanism}: ${k.params || '(none)'}` : 'none set';
    },
  ],
];

function writeChecks(imageUrl: string): Check[] {
  return [
    [
      'mount media',
      async bmc => `inserted ${(await bmc.insertMedia(imageUrl)).image}`,
    ],
    [
      'boot override to Cd',
      async bmc => {
        const o = await bmc.setOneTimeBoot('Cd');
        return `${o.target} (${o.enabled})`;
      },
    ],
    [
      'power on / restart',
      async bmc => {
        await bmc.reboot();
        return 'On';
      },
    ],
    [
      'eject media',
      async bmc => {
        await bmc.ejectMedia();
        return 'ejected';
      },
    ],
    [
      'clear boot override',
      async bmc => (await bmc.clearBootOverride()).enabled,
    ],
    [
      'power off',
      async bmc => {
        await bmc.powerOff({ force: true });
        return 'Off';
      },
    ],
  ];
}

/**
 * What an operator runs before enrolling a new BMC vendor: each check of the
 * plugin's own Redfish client, one after the other, and whether it worked.
 * Read-only unless `write` names a system to power, boot and mount media on.
 * A failed check does not stop the others.
 */
export async function checkBmc(
  address: string,
  credentials: BmcCredentials,
  options: BmcCheckOptions & { insecureSkipVerify?: boolean } = {},
  report: (result: BmcCheckResult) => void = () => {},
): Promise<BmcCheckResult[]> {
  const connection: BmcConnection & { systemId?: string } = {
    address,
    credentialsRef: 'bmc-check',
    insecureSkipVerify: options.insecureSkipVerify ?? false,
    systemId: options.write?.systemId ?? options.systemId,
    ...(options.caBundle && { caBundleRef: 'check' }),
  };
  const bmc = createBmcProvisioner(connection, credentials, {
    retry: { maxAttempts: 2 },
    powerPollIntervalMs: 1_000,
    caBundles: options.caBundle ? { check: options.caBundle } : undefined,
  });
  const checks = [
    ...READ_CHECKS,
    ...(options.write ? writeChecks(options.write.imageUrl) : []),
  ];
  const results: BmcCheckResult[] = [];
  try {
    for (const [check, run] of checks) {
      let result: BmcCheckResult;
      try {
        result = { check, ok: true, detail: await run(bmc) };
      } catch (error) {
        result = { check, ok: false, detail: (error as Error).message };
      }
      results.push(result);
      report(result);
    }
  } finally {
    await bmc.close();
  }
  return results;
}
