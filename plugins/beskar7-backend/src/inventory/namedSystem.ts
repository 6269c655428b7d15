import { RegisterHostRequest } from '@beskar7/backstage-plugin-beskar7-common';
import { CredentialUse } from '../credentials/types';
import { BmcSystem } from '../lifecycle/types';

/** The ComputerSystems a BMC lists, asked with the host's own login. */
export type BmcSystems = (
  target: CredentialUse & { bmc: RegisterHostRequest['bmc'] },
  signal: AbortSignal,
) => Promise<BmcSystem[]>;

/** How long a registration waits for the BMC to list its systems. */
const LIST_TIMEOUT_MS = 10_000;

/**
 * The systems of the BMC a registration names, or undefined when the BMC
 * cannot be asked now (down, login refused): enrolment then asks again,
 * and reports on the host.
 */
export async function systemsAtRegistration(
  systems: BmcSystems,
  target: CredentialUse & { bmc: RegisterHostRequest['bmc'] },
): Promise<BmcSystem[] | undefined> {
  try {
    return await systems(target, AbortSignal.timeout(LIST_TIMEOUT_MS));
  } catch {
    return undefined;
  }
}

/** Why a registration naming `systemId` is refused: the BMC does not list it. */
export function missingSystemRefusal(
  listed: BmcSystem[],
  systemId: string,
): string | undefined {
  if (listed.some(s => s.id === systemId)) return undefined;
  return `the BMC has no system "${systemId}"; it lists ${
    listed.length ? listed.map(s => s.id).join(', ') : 'none'
  }`;
}
