import {
  BootMode,
  Host,
  HostRequirements,
  HostState,
  Machine,
  OsFamily,
  ProvisioningMode,
} from './types';
import type { Beskar7ApiRequests } from './generated/apiClient';

/** A page of a server-side paginated list. */
export interface Page<T> {
  items: T[];
  totalCount: number;
  offset: number;
  limit: number;
}

/** @public */
export const HOST_SORT_FIELDS = [
  'name',
  'state',
  'pool',
  'manufacturer',
  'updatedAt',
] as const;
/** @public */
export type HostSortField = (typeof HOST_SORT_FIELDS)[number];

/** Query of `GET /hosts`; every filter present must match. */
export interface ListHostsQuery {
  state?: HostState[];
  pool?: string;
  tags?: string[];
  /** `key=value` pairs. */
  labels?: Record<string, string>;
  vendor?: string;
  /** Case-insensitive substring of name, namespace, model or serial. */
  text?: string;
  /** `namespace/name` of a Cluster API cluster: only the hosts it holds. */
  cluster?: string;
  /**
   * RFC 3339 instant: only the hosts written at or after it, for a watch.
   * Removed hosts are not listed.
   */
  updatedSince?: string;
  offset?: number;
  limit?: number;
  orderBy?: HostSortField;
  order?: 'asc' | 'desc';
}

/**
 * The request of `GET /hosts` for a query: lists as the API reads them
 * (`tag`, `label=key=value`), empty values left out.
 */
export function listHostsRequest(
  query: ListHostsQuery,
): Beskar7ApiRequests['listHosts'] {
  const given = <T>(value: T) => (value === '' ? undefined : value);
  return {
    query: {
      state: query.state,
      pool: given(query.pool),
      tag: query.tags,
      label: Object.entries(query.labels ?? {}).map(
        ([key, value]) => `${key}=${value}`,
      ),
      vendor: given(query.vendor),
      text: given(query.text),
      cluster: given(query.cluster),
      updatedSince: given(query.updatedSince),
      offset: query.offset,
      limit: query.limit,
      orderBy: query.orderBy,
      order: query.order,
    },
  };
}

/** One recorded state change of a host. */
export interface HostEvent {
  id: number;
  hostId: string;
  fromState?: HostState;
  toState: HostState;
  reason: string;
  message?: string;
  createdAt: string;
}

/** Response of `GET /hosts/:id`. */
export interface HostDetails extends Host {
  events: HostEvent[];
}

/** Body of `POST /hosts`. */
export interface RegisterHostRequest {
  name: string;
  namespace?: string;
  pool?: string;
  labels?: Record<string, string>;
  tags?: string[];
  failureDomain?: string;
  bmc: {
    address: string;
    credentialsRef: string;
    insecureSkipVerify?: boolean;
    caBundleRef?: string;
    /** Send the BMC login over plain HTTP (an `http://` address); off by default. */
    allowPlainHttp?: boolean;
  };
}

/** Body of `PATCH /hosts/:id`. */
export interface UpdateHostRequest {
  pool?: string;
  labels?: Record<string, string>;
  tags?: string[];
  /** The BMC's TLS settings, e.g. after a certificate rotation; `caBundleRef: null` removes it. */
  bmc?: { insecureSkipVerify?: boolean; caBundleRef?: string | null };
}

/** Body of `POST /machines`. */
export interface MachineRequest {
  name: string;
  namespace?: string;
  requirements?: HostRequirements;
  imageUrl: string;
  configUrl?: string;
  osFamily: OsFamily;
  provisioningMode: ProvisioningMode;
  bootMode?: BootMode;
}

/** Per-pool counts for capacity planning. */
export interface PoolSummary {
  pool: string;
  total: number;
  byState: Record<HostState, number>;
  /** Share of hosts held by machines (Claimed, Provisioning, Provisioned). */
  utilisation: number;
}

/** Response of `GET /machines`. */
export type MachineList = Page<Machine>;

/** What a job does to its host; the lifecycle maps each to BMC work. */
/** @public */
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

/** A BMC that may not take another operation yet. */
export interface BmcCooldownStatus {
  bmcAddress: string;
  /** When the next operation may start (ISO 8601). */
  availableAt: string;
  remainingMs: number;
}

/** Response of `GET /queue`. */
export interface QueueStatus {
  /** Queued jobs, across all replicas. */
  length: number;
  maxQueueSize: number;
  /** Running jobs, across all replicas. */
  processing: number;
  maxConcurrentOps: number;
  /** Workers of the replica that answered. */
  workerCount: number;
  paused: boolean;
  draining: boolean;
  cooldowns: BmcCooldownStatus[];
}

/** Latency percentiles from histogram buckets (interpolated, as Prometheus does). */
export interface LatencySummary {
  count: number;
  /** Absent when nothing was measured. */
  p50Ms?: number;
  p95Ms?: number;
}

/** One sample of the metrics history: gauges then, counters since the previous sample. */
export interface MetricsPoint {
  at: string;
  queueLength: number;
  maxQueueSize: number;
  processing: number;
  maxConcurrentOps: number;
  claimAttempts: number;
  claimConflicts: number;
  claimP95Ms?: number;
  /** BMC operation p95 per vendor, for vendors with operations in the interval. */
  bmcP95MsByVendor: Record<string, number>;
}

/**
 * Response of `GET /metrics/summary`: what the replica that answered measured
 * (claims, BMC operations) over the window, with the queue read fleet-wide.
 */
export interface MetricsSummary {
  windowMs: number;
  sampleIntervalMs: number;
  claims: {
    /** Attempts that found a host to try (`no_hosts` is not a conflict). */
    attempts: number;
    conflicts: number;
    /** conflicts / attempts; absent without attempts. */
    conflictRate?: number;
    latency: LatencySummary;
  };
  bmcOperations: {
    byVendor: Array<LatencySummary & { vendor: string }>;
    byOperation: Array<LatencySummary & { operation: string }>;
  };
  /** Oldest first, one point per sample inside the window. */
  series: MetricsPoint[];
}

/** @public */
export type CheckStatus = 'ok' | 'warning' | 'error';

/** One health check an operator would otherwise run by hand. */
export interface DiagnosticCheck {
  id: string;
  title: string;
  status: CheckStatus;
  /** What was measured. */
  value: number | string;
  /** The limit the value is compared with, in words (`> 15%`). */
  threshold?: string;
  message: string;
  /** Id of the runbook that handles this condition. */
  runbookId?: string;
}

/** Response of `GET /diagnostics`. */
export interface DiagnosticsReport {
  generatedAt: string;
  status: CheckStatus;
  checks: DiagnosticCheck[];
}
