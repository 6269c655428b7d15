import { Config } from '@backstage/config';
import { ConfigFieldError, ProvisioningConfig } from './types';
import {
  PROVISIONING_CONFIG_KEY,
  validateProvisioningConfig,
} from './validateProvisioningConfig';

/** Start-up failure: the backend must not run with these values. */
export class ProvisioningConfigError extends Error {
  constructor(readonly errors: ConfigFieldError[]) {
    super(
      `Invalid provisioning configuration: ${errors
        .map(e => `${e.key} ${e.message}`)
        .join('; ')}`,
    );
    this.name = 'ProvisioningConfigError';
  }
}

/** Reads and validates `beskar7.provisioning`; throws ProvisioningConfigError naming every bad key. */
export function readProvisioningConfig(config: Config): ProvisioningConfig {
  const fragment = config.getOptional(PROVISIONING_CONFIG_KEY);
  const result = validateProvisioningConfig(fragment);
  if (!result.ok) throw new ProvisioningConfigError(result.errors);
  return result.config;
}
