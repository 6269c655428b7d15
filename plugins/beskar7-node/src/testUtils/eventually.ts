/**
 * How {@link eventually} polls.
 *
 * @public
 */
export interface EventuallyOptions {
  /** Named in the error when `timeoutMs` runs out. */
  what?: string;
  /** Without it the test's own timeout bounds the wait. */
  timeoutMs?: number;
  /** Pause between reads; 50 ms unless given. */
  intervalMs?: number;
}

/**
 * Reads until `check` holds and returns that value: for tests that wait on a
 * running backend (a reconciler, a lease, a Kubernetes controller).
 *
 * @public
 */
export async function eventually<T>(
  read: () => T | Promise<T>,
  check: (value: T) => boolean,
  options: EventuallyOptions = {},
): Promise<T> {
  const { what = 'a condition', timeoutMs, intervalMs = 50 } = options;
  const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}; last read: ${JSON.stringify(
          value,
        )}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
}
