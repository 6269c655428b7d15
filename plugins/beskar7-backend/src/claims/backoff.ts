export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 2, maxMs: 100 };

/**
 * "Full jitter" exponential backoff: a random wait in [0, min(max, base·2^n)],
 * so that replicas that collided once do not collide again in lockstep.
 */
export function jitteredBackoffMs(
  retry: number,
  { baseMs, maxMs }: BackoffOptions,
): number {
  return Math.random() * Math.min(maxMs, baseMs * 2 ** retry);
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
