import { OperationTimeoutError } from './errors';

/** The replica no longer owns the job: another one took it over. */
export class LeaseLostError extends Error {
  readonly name = 'LeaseLostError';
}

/**
 * Runs `work` until it settles or, once `signal` is aborted, at most
 * `graceMs` longer: a handler is asked to stop through the signal, but a
 * handler that ignores it cannot hold a slot forever.
 */
export function untilAborted<T>(
  work: Promise<T>,
  signal: AbortSignal,
  graceMs: number,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      timer = setTimeout(() => reject(signal.reason), graceMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      value => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        // An aborted run failed even if the handler returned: it was cut short.
        if (signal.aborted) reject(signal.reason);
        else resolve(value);
      },
      error => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        reject(signal.aborted ? signal.reason : error);
      },
    );
  });
}

export function timeoutError(ms: number): OperationTimeoutError {
  return new OperationTimeoutError(`operation timed out after ${ms}ms`);
}
