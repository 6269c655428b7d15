import { Config } from '@backstage/config';
import { lookup } from 'node:dns/promises';
import {
  BmcAddressPolicy,
  BmcAllowlistEntryError,
} from '../inventory/bmcAddressPolicy';
import { ProvisioningConfigError } from './readProvisioningConfig';

export const BMC_ALLOWLIST_KEY = 'beskar7.inventory.bmcAddressAllowlist';

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
    return BmcAddressPolicy.create(entries, name =>
      lookup(name, { all: true }),
    );
  } catch (error) {
    if (error instanceof BmcAllowlistEntryError) {
      throw new ProvisioningConfigError([
        { key: `${BMC_ALLOWLIST_KEY}[${error.index}]`, message: error.message },
      ]);
    }
    throw error;
  }
}
