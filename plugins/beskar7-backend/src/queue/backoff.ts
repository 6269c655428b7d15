import { RetryPolicy } from '../config';

/** Delay before retry number `attempt` (1-based): doubling from initialBackoff, capped. Pure. */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  const delay = policy.initialBackoffMs * 2 ** Math.max(0, attempt - 1);
  return Math.min(delay, policy.maxBackoffMs);
}
