import { RegisterHostRequest } from '@beskar7/backstage-plugin-beskar7-common';
import { CredentialUse } from '../credentials/types';

/** The ComputerSystem ids a BMC lists, asked with the host's own login. */
export type BmcSystems = (
  target: CredentialUse & { bmc: RegisterHostRequest['bmc'] },
  signal: AbortSignal,
) => Promise<string[]>;

/** How long a registration waits for the BMC to list its systems. */
const LIST_TIMEOUT_MS = 10_000;

/**
 * Why a registration naming `systemId` is refused: the BMC answered and does
 * not list it. A BMC that cannot be asked now (down, login refused) leaves
 * the question to enrolment, which retries and reports on the host.
 */
export async function missingSystemRefusal(
  systems: BmcSystems,
  target: CredentialUse & { bmc: RegisterHostRequest['bmc'] },
  systemId: string,
): Promise<string | undefined> {
  let listed: string[];
  try {
    listed = await systems(target, AbortSignal.timeout(LIST_TIMEOUT_MS));
  } catch {
    return undefined;
  }
  if (listed.includes(systemId)) return undefined;
  return `the BMC has no system "${systemId}"; it lists ${
    listed.length ? listed.join(', ') : 'none'
  }`;
}
