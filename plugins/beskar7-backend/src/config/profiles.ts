import { ProvisioningConfig, ProvisioningProfile } from './types';

/**
 * Defaults per fleet size (see docs/provisioning.md). Development favours
 * quick feedback on a few hosts; production protects many BMCs and the
 * database from bursts.
 */
export const PROFILE_DEFAULTS: Record<
  ProvisioningProfile,
  Omit<ProvisioningConfig, 'profile'>
> = {
  development: {
    maxQueueSize: 50,
    workerCount: 2,
    maxConcurrentOps: 3,
    bmcCooldownMs: 1_000,
    vendorCooldownMs: {},
    operationTimeoutMs: 5 * 60_000,
    retry: { maxRetries: 2, initialBackoffMs: 2_000, maxBackoffMs: 30_000 },
    leaseDurationMs: 30_000,
    pollIntervalMs: 1_000,
    stuckStateTimeoutMs: 30 * 60_000,
    reconcileIntervalMs: 15_000,
    powerPollIntervalMs: 60_000,
  },
  staging: {
    maxQueueSize: 250,
    workerCount: 4,
    maxConcurrentOps: 8,
    bmcCooldownMs: 5_000,
    vendorCooldownMs: {},
    operationTimeoutMs: 15 * 60_000,
    retry: {
      maxRetries: 3,
      initialBackoffMs: 10_000,
      maxBackoffMs: 5 * 60_000,
    },
    leaseDurationMs: 60_000,
    pollIntervalMs: 2_000,
    stuckStateTimeoutMs: 60 * 60_000,
    reconcileIntervalMs: 30_000,
    powerPollIntervalMs: 2 * 60_000,
  },
  production: {
    maxQueueSize: 2_000,
    workerCount: 8,
    maxConcurrentOps: 20,
    bmcCooldownMs: 10_000,
    vendorCooldownMs: {},
    operationTimeoutMs: 30 * 60_000,
    retry: {
      maxRetries: 5,
      initialBackoffMs: 30_000,
      maxBackoffMs: 10 * 60_000,
    },
    leaseDurationMs: 2 * 60_000,
    pollIntervalMs: 2_000,
    stuckStateTimeoutMs: 2 * 60 * 60_000,
    reconcileIntervalMs: 60_000,
    powerPollIntervalMs: 5 * 60_000,
  },
};
