/** Sizes for the fleet a deployment runs; each sets every provisioning default. */
export const PROVISIONING_PROFILES = [
  'development',
  'staging',
  'production',
] as const;
export type ProvisioningProfile = (typeof PROVISIONING_PROFILES)[number];

export interface RetryPolicy {
  /** Retries after the first attempt; 0 fails on the first error. */
  maxRetries: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/** `beskar7.provisioning`, validated, with durations in milliseconds. */
export interface ProvisioningConfig {
  profile: ProvisioningProfile;
  /** Queued plus running jobs, across all replicas. */
  maxQueueSize: number;
  /** Workers of this replica. */
  workerCount: number;
  /** Operations running at once across all replicas. */
  maxConcurrentOps: number;
  /** Minimum gap between two operations on one BMC. */
  bmcCooldownMs: number;
  /** Cooldowns by vendor id (lower case), overriding `bmcCooldownMs`. */
  vendorCooldownMs: Record<string, number>;
  operationTimeoutMs: number;
  retry: RetryPolicy;
  /** How long a job stays owned by a replica that stopped renewing it. */
  leaseDurationMs: number;
  /** How often idle workers look for due jobs. */
  pollIntervalMs: number;
  /** A host in a transient state this long, with no job working on it, goes to Error. */
  stuckStateTimeoutMs: number;
  /** Period of the host and machine reconcilers. */
  reconcileIntervalMs: number;
  /** A host's power state is read from its BMC again after this long. */
  powerPollIntervalMs: number;
}

/** One invalid value: the full config key and what is wrong with it. */
export interface ConfigFieldError {
  key: string;
  message: string;
}
