import { Config } from '@backstage/config';
import { lookup } from 'node:dns/promises';
import {
  BmcAddressPolicy,
  BmcAllowlistEntryError,
  HostResolver,
} from '../inventory/bmcAddressPolicy';
import { ProvisioningConfigError } from './readProvisioningConfig';

export const BMC_ALLOWLIST_KEY = 'beskar7.inventory.bmcAddressAllowlist';

/** How BMC host names are judged: by what the system resolver returns. */
export const resolveHostName: HostResolver = name =>
  lookup(name, { all: true });

/** Reads `beskar7.inventory`; a bad allowlist stops start-up with the key named. */
export function readBmcAddressPolicy(config: Config): BmcAddressPolicy {
  let entries: string[] | undefined;
  try {
    entries = config.getOptionalStringArray(BMC_ALLOWLIST_KEY);
  } catch {
    throw new ProvisioningConfigError([
      { key: BMC_ALLOWLIST_KEY, message: 'must be a list of strings' },
    ]);
  }
  try {
    return BmcAddressPolicy.create(entries, resolveHostName);
  } catch (error) {
    if (error instanceof BmcAllowlistEntryError) {
      throw new ProvisioningConfigError([
        { key: `${BMC_ALLOWLIST_KEY}[${error.index}]`, message: error.message },
      ]);
    }
    throw error;
  }
}
