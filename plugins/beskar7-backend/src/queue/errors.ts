import { CustomErrorBase } from '@backstage/errors';

/**
 * The queue holds maxQueueSize jobs already; ask again after `retryAfterMs`.
 * Nothing was queued and nothing queued was dropped.
 */
export class QueueFullError extends CustomErrorBase {
  readonly name = 'QueueFullError';
  constructor(readonly maxQueueSize: number, readonly retryAfterMs: number) {
    super(
      `Provisioning queue is full (${maxQueueSize} jobs); retry in ${Math.ceil(
        retryAfterMs / 1000,
      )}s`,
    );
  }
}

/** The queue is draining and takes no new jobs until resumed. */
export class QueueDrainingError extends CustomErrorBase {
  readonly name = 'QueueDrainingError';
  constructor() {
    super('Provisioning queue is draining and accepts no new jobs');
  }
}

/** The host changed after the caller decided to queue work for it; nothing was queued. */
export class HostChangedError extends CustomErrorBase {
  readonly name = 'HostChangedError';
  constructor(hostId: string) {
    super(`Host ${hostId} changed since it was read; not queueing`);
  }
}

/** A job ran past operationTimeout. */
export class OperationTimeoutError extends CustomErrorBase {
  readonly name = 'OperationTimeoutError';
}
