import {
  PowerAction,
  VendorQuirks,
} from '@beskar7/backstage-plugin-beskar7-node';
import {
  actionInfoAllowableValues,
  chooseAllowed,
  GENERIC_RESET_PREFERENCES,
  inlineAllowableValues,
} from './allowable';
import { RedfishClient } from './client';
import { RedfishUnsupportedError } from './errors';
import { Resource } from './odata';

/** ResetType values the BMC allows: from the ActionInfo when it links one, else inline. */
export async function allowedResetTypes(
  client: RedfishClient,
  action: Resource,
): Promise<string[] | undefined> {
  const infoPath = action['@Redfish.ActionInfo'];
  if (typeof infoPath === 'string') {
    const info = await client.getOptional(infoPath);
    const fromInfo = actionInfoAllowableValues(info, 'ResetType');
    if (fromInfo) {
      return fromInfo;
    }
  }
  return inlineAllowableValues(action, 'ResetType');
}

/** Posts ComputerSystem.Reset with the best ResetType the BMC allows for `action`. */
export async function resetSystem(
  client: RedfishClient,
  system: Resource,
  action: PowerAction,
  quirks: VendorQuirks,
  preferences?: string[],
): Promise<string> {
  const reset = system.Actions?.['#ComputerSystem.Reset'];
  if (typeof reset?.target !== 'string') {
    throw new RedfishUnsupportedError(
      client.address,
      'the system offers no ComputerSystem.Reset action',
    );
  }
  const allowed = await allowedResetTypes(client, reset);
  const wanted =
    preferences ??
    quirks.resetPreferences?.[action] ??
    GENERIC_RESET_PREFERENCES[action];
  const resetType = chooseAllowed(wanted, allowed);
  if (!resetType) {
    throw new RedfishUnsupportedError(
      client.address,
      `none of ${wanted.join(', ')} is an allowed ResetType (allowed: ${(
        allowed ?? []
      ).join(', ')})`,
    );
  }
  await client.post(reset.target, { ResetType: resetType });
  return resetType;
}
