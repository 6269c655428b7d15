import { toOptional } from '../database/values';
import { JobOperation, JobStatus, ProvisioningJob } from './types';

export const JOBS_TABLE = 'beskar7_provisioning_jobs';
export const SLOTS_TABLE = 'beskar7_provisioning_slots';
export const BMCS_TABLE = 'beskar7_provisioning_bmcs';
export const QUEUE_STATE_TABLE = 'beskar7_provisioning_queue_state';

/** Statuses that hold a host; the partial unique index allows one per host. */
export const ACTIVE_STATUSES: JobStatus[] = ['queued', 'running'];

type Millis = number | string;

export interface JobRow {
  id: string;
  host_id: string;
  machine_id: string | null;
  operation: JobOperation;
  bmc_address: string;
  vendor: string | null;
  status: JobStatus;
  attempt: number;
  max_attempts: number;
  owner_id: string | null;
  lease_token: string | null;
  lease_expires_at_ms: Millis | null;
  not_before_ms: Millis;
  last_error: string | null;
  created_at_ms: Millis;
  started_at_ms: Millis | null;
  finished_at_ms: Millis | null;
}

const iso = (ms: Millis) => new Date(Number(ms)).toISOString();
const optionalIso = (ms: Millis | null) => (ms === null ? undefined : iso(ms));

export function rowToJob(row: JobRow): ProvisioningJob {
  return {
    id: row.id,
    hostId: row.host_id,
    machineId: toOptional(row.machine_id),
    operation: row.operation,
    bmcAddress: row.bmc_address,
    vendor: toOptional(row.vendor),
    status: row.status,
    attempt: Number(row.attempt),
    maxAttempts: Number(row.max_attempts),
    ownerId: toOptional(row.owner_id),
    leaseExpiresAt:
      row.status === 'running'
        ? optionalIso(row.lease_expires_at_ms)
        : undefined,
    notBefore: iso(row.not_before_ms),
    lastError: toOptional(row.last_error),
    createdAt: iso(row.created_at_ms),
    startedAt: optionalIso(row.started_at_ms),
    finishedAt: optionalIso(row.finished_at_ms),
  };
}
