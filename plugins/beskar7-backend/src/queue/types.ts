/** What a job does to its host; the lifecycle maps each to BMC work. */
export const JOB_OPERATIONS = ['inspect', 'provision', 'deprovision'] as const;
export type JobOperation = (typeof JOB_OPERATIONS)[number];

export const JOB_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface ProvisioningJob {
  id: string;
  hostId: string;
  machineId?: string;
  operation: JobOperation;
  bmcAddress: string;
  /** Vendor id, for per-vendor cooldowns and metrics labels. */
  vendor?: string;
  status: JobStatus;
  /** Attempts started so far (a taken-over attempt counts). */
  attempt: number;
  maxAttempts: number;
  /** Replica working on it while running. */
  ownerId?: string;
  leaseExpiresAt?: string;
  notBefore: string;
  lastError?: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface EnqueueRequest {
  hostId: string;
  operation: JobOperation;
  machineId?: string;
  bmcAddress: string;
  vendor?: string;
}

export interface EnqueueResult {
  job: ProvisioningJob;
  /** False when the host already had a queued or running job (returned instead). */
  created: boolean;
}

/** Passed to the handler of a running job. */
export interface JobRunContext {
  /** Aborted on timeout, on a lost lease, or when the replica stops. */
  signal: AbortSignal;
}

/**
 * Does a job's work; the lifecycle implements it. `run` must be idempotent:
 * a job whose replica died is run again by another one, and must then
 * finish what is left rather than redo what is done.
 */
export interface JobHandler {
  run(job: ProvisioningJob, context: JobRunContext): Promise<void>;
  /** The job failed its last attempt: record why (host to Error). */
  giveUp(job: ProvisioningJob, error: Error): Promise<void>;
}

export interface BmcCooldownStatus {
  bmcAddress: string;
  /** When the next operation may start (ISO 8601). */
  availableAt: string;
  remainingMs: number;
}

/** Answer of `GET /queue`. */
export interface QueueStatus {
  length: number;
  maxQueueSize: number;
  processing: number;
  maxConcurrentOps: number;
  /** Workers of the replica that answered. */
  workerCount: number;
  paused: boolean;
  draining: boolean;
  cooldowns: BmcCooldownStatus[];
}
