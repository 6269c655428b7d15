/** Retry policy of the Redfish client. */
export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 2000,
};

/**
 * Delay before retry number `retry` (1 for the first retry): exponential and
 * capped, half of it fixed and half random ("equal jitter"), so that clients
 * failing together do not come back together but still back off.
 */
export function backoffDelayMs(
  retry: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(
    policy.maxDelayMs,
    policy.baseDelayMs * 2 ** Math.max(0, retry - 1),
  );
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
