import {
  BmcConnection,
  hardwareLabel,
} from '@beskar7/backstage-plugin-beskar7-common';
import {
  BmcUnavailableError,
  RedfishAuthError,
  RedfishConnectionError,
  RedfishNoSessionsError,
  RedfishSessionLimitError,
} from './errors';
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
  /** Limit of each request, connecting included (default 10 s). */
  timeoutMs?: number;
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
 * Why the checks after a failure would fail the same way, with what to do
 * about it; undefined when the failure is the check's own.
 */
export function stopReason(error: unknown): string | undefined {
  if (
    error instanceof RedfishAuthError ||
    error instanceof RedfishNoSessionsError
  ) {
    return 'check --username and the password file; the other checks are not run, as BMCs lock accounts after repeated failed logins';
  }
  if (error instanceof RedfishSessionLimitError) {
    return 'the other checks are not run';
  }
  if (
    error instanceof RedfishConnectionError &&
    /cert|self[- ]signed|unable to (verify|get)/i.test(error.reason)
  ) {
    return 'the BMC certificate is not trusted: pass the CA that signed it with --ca-file <pem>, or --insecure for a lab BMC; the other checks are not run';
  }
  if (
    error instanceof RedfishConnectionError ||
    error instanceof BmcUnavailableError
  ) {
    return 'the other checks are not run';
  }
  return undefined;
}

/**
 * What an operator runs before enrolling a new BMC vendor: each check of the
 * plugin's own Redfish client, one after the other, and whether it worked.
 * Read-only unless `write` names a system to power, boot and mount media on.
 * A failed check does not stop the others, except a failure every check
 * would repeat (login, certificate, no answer): the run stops there.
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
    // No retries: a BMC that never answers costs one timeout, not one per
    // attempt; what the BMC does on the first try is what is reported.
    retry: { maxAttempts: 1 },
    requestTimeoutMs: options.timeoutMs ?? 10_000,
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
      let stop: string | undefined;
      try {
        result = { check, ok: true, detail: await run(bmc) };
      } catch (error) {
        stop = stopReason(error);
        const message = (error as Error).message;
        result = {
          check,
          ok: false,
          detail: stop ? `${message}: ${stop}` : message,
        };
      }
      results.push(result);
      report(result);
      if (stop) break;
    }
  } finally {
    await bmc.close();
  }
  return results;
}
