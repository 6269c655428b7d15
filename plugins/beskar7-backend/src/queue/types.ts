import {
  JOB_OPERATIONS,
  JOB_STATUSES,
  type BmcCooldownStatus,
  type JobOperation,
  type JobStatus,
  type ProvisioningJob,
  type QueueStatus,
} from '@beskar7/backstage-plugin-beskar7-common';

export { JOB_OPERATIONS, JOB_STATUSES };
export type {
  BmcCooldownStatus,
  JobOperation,
  JobStatus,
  ProvisioningJob,
  QueueStatus,
};

export interface EnqueueRequest {
  hostId: string;
  operation: JobOperation;
  machineId?: string;
  bmcAddress: string;
  vendor?: string;
  /**
   * The host's version the request was decided on: when the host has changed
   * since (its last job finished meanwhile), nothing is queued and
   * HostChangedError is thrown.
   */
  hostVersion?: number;
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
