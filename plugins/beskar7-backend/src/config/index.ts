export { parseDuration, formatDuration } from './duration';
export { PROFILE_DEFAULTS } from './profiles';
export {
  ProvisioningConfigError,
  readProvisioningConfig,
} from './readProvisioningConfig';
export {
  PROVISIONING_CONFIG_KEY,
  validateProvisioningConfig,
  type ValidationResult,
} from './validateProvisioningConfig';
export {
  PROVISIONING_PROFILES,
  type ConfigFieldError,
  type ProvisioningConfig,
  type ProvisioningProfile,
  type RetryPolicy,
} from './types';
