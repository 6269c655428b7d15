export { ProvisioningQueue } from './ProvisioningQueue';
export type { ProvisioningQueueOptions } from './ProvisioningQueue';
export {
  OperationTimeoutError,
  QueueDrainingError,
  QueueFullError,
} from './errors';
export { retryDelayMs } from './backoff';
export {
  JOB_OPERATIONS,
  JOB_STATUSES,
  type BmcCooldownStatus,
  type EnqueueRequest,
  type EnqueueResult,
  type JobHandler,
  type JobOperation,
  type JobRunContext,
  type JobStatus,
  type ProvisioningJob,
  type QueueStatus,
} from './types';
