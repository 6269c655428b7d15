import { Config } from '@backstage/config';
import {
  BmcAddressPolicy,
  BmcAllowlistEntryError,
} from '../inventory/bmcAddressPolicy';
import { ProvisioningConfigError } from './readProvisioningConfig';
import { ConfigFieldError } from './types';

const CREDENTIALS_KEY = 'beskar7.credentials';

/**
 * Checks `beskar7.credentials` at start-up, so that a credential that
 * could never be used (an allowedAddresses entry that is no address, a
 * login that is not text) stops the backend naming the key instead of
 * failing at the first host that uses it. Throws ProvisioningConfigError.
 */
export function validateCredentialsConfig(config: Config): void {
  const credentials = config.getOptionalConfig(CREDENTIALS_KEY);
  const errors: ConfigFieldError[] = [];
  for (const ref of credentials?.keys() ?? []) {
    const key = `${CREDENTIALS_KEY}.${ref}`;
    const entry = credentials!.getOptional(ref);
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      errors.push({ key, message: 'must be an object' });
      continue;
    }
    const fields = entry as Record<string, unknown>;
    for (const field of ['username', 'password']) {
      if (typeof fields[field] !== 'string') {
        errors.push({ key: `${key}.${field}`, message: 'must be a string' });
      }
    }
    errors.push(...allowedAddressesErrors(fields.allowedAddresses, key));
  }
  if (errors.length > 0) throw new ProvisioningConfigError(errors);
}

function allowedAddressesErrors(
  value: unknown,
  credentialKey: string,
): ConfigFieldError[] {
  const key = `${credentialKey}.allowedAddresses`;
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some(e => typeof e !== 'string')) {
    return [{ key, message: 'must be a list of strings' }];
  }
  const errors: ConfigFieldError[] = [];
  const hosts: Array<{ entry: string; index: number }> = [];
  value.forEach((entry: string, index) => {
    if (!entry.includes('://')) {
      hosts.push({ entry, index });
    } else if (!isHttpOrigin(entry)) {
      errors.push({
        key: `${key}[${index}]`,
        message: `${JSON.stringify(entry)} is not an http(s) origin`,
      });
    }
  });
  for (const { entry, index } of hosts) {
    try {
      BmcAddressPolicy.create([entry], undefined, key);
    } catch (error) {
      if (!(error instanceof BmcAllowlistEntryError)) throw error;
      errors.push({ key: `${key}[${index}]`, message: error.message });
    }
  }
  return errors;
}

function isHttpOrigin(entry: string): boolean {
  try {
    const url = new URL(entry);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
