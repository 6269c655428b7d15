import type { ErrorResponseBody } from '@backstage/errors';
import {
  CheckStatus,
  DiagnosticCheck,
  DiagnosticsReport,
  HealthResponse,
  Host,
  HostDetails,
  HostEvent,
  HostState,
  HOST_STATES,
  Machine,
  MetricsPoint,
  MetricsSummary,
  Page,
  PoolSummary,
  QueueStatus,
  RunbookRun,
  RunbookStepResult,
  RunbookStepSummary,
  RunbookSummary,
} from '@beskar7/backstage-plugin-beskar7-common';
import { HttpResponse } from 'msw';

/**
 * The Beskar7 API's answers for the component tests, one builder per object,
 * typed with the common types so that a change of the API fails here first.
 * Each builder gives a plausible object; tests override what they assert on.
 */

export const makeHost = (over: Partial<Host> = {}): Host => ({
  id: '11111111-1111-4111-8111-111111111111',
  name: 'sim-00',
  namespace: 'simulator',
  pool: 'default',
  labels: {},
  tags: ['gpu'],
  hardware: {
    manufacturer: 'Dell Inc.',
    model: 'PowerEdge R6515',
    serialNumber: 'SN1',
    cpuCores: 32,
    memoryGiB: 256,
    diskGiB: 1920,
    macAddresses: ['aa:bb:cc:dd:ee:ff'],
  },
  bmc: {
    address: 'https://10.0.0.5',
    credentialsRef: 'rack-a',
    insecureSkipVerify: false,
  },
  state: 'Available',
  version: 3,
  createdAt: '2026-11-22T10:00:00.000Z',
  updatedAt: '2026-11-22T10:05:00.000Z',
  ...over,
});

export const makeHostEvent = (over: Partial<HostEvent> = {}): HostEvent => ({
  id: 1,
  hostId: makeHost().id,
  fromState: 'Enrolling',
  toState: 'Available',
  reason: 'Inspected',
  createdAt: '2026-11-22T10:05:00.000Z',
  ...over,
});

export const makeHostDetails = (
  over: Partial<HostDetails> = {},
): HostDetails => ({ ...makeHost(over), events: [], ...over });

export const makeMachine = (over: Partial<Machine> = {}): Machine => ({
  id: '22222222-2222-4222-8222-222222222222',
  name: 'web-0',
  namespace: 'default',
  requirements: {},
  imageUrl: 'https://images.example/kairos.iso',
  osFamily: 'kairos',
  provisioningMode: 'RemoteConfig',
  bootMode: 'UEFI',
  phase: 'Provisioned',
  createdAt: '2026-11-22T10:00:00.000Z',
  updatedAt: '2026-11-22T10:05:00.000Z',
  ...over,
});

const HELD_STATES: HostState[] = ['Claimed', 'Provisioning', 'Provisioned'];

/** A pool whose total and utilisation follow from the counts given. */
export function makePool(
  pool: string,
  counts: Partial<Record<HostState, number>>,
): PoolSummary {
  const byState = Object.fromEntries(
    HOST_STATES.map(s => [s, counts[s] ?? 0]),
  ) as Record<HostState, number>;
  const total = HOST_STATES.reduce((sum, s) => sum + byState[s], 0);
  const held = HELD_STATES.reduce((sum, s) => sum + byState[s], 0);
  return { pool, total, byState, utilisation: total ? held / total : 0 };
}

export const makePage = <T>(items: T[], over: Partial<Page<T>> = {}) => ({
  items,
  totalCount: items.length,
  offset: 0,
  limit: 25,
  ...over,
});

export const makeQueue = (over: Partial<QueueStatus> = {}): QueueStatus => ({
  length: 3,
  maxQueueSize: 100,
  processing: 2,
  maxConcurrentOps: 5,
  workerCount: 2,
  paused: false,
  draining: false,
  cooldowns: [],
  ...over,
});

export const makeHealth = (
  over: Partial<HealthResponse> = {},
): HealthResponse => ({
  status: 'ok',
  database: { client: 'pg', reachable: true, latencyMs: 1 },
  version: '0.1.0',
  ...over,
});

export const makeDiagnosticCheck = (
  over: Partial<DiagnosticCheck> = {},
): DiagnosticCheck => ({
  id: 'database',
  title: 'Database reachability',
  status: 'ok',
  value: '3 ms',
  threshold: '< 500 ms',
  message: 'The database answers',
  ...over,
});

const WORST_FIRST: CheckStatus[] = ['error', 'warning', 'ok'];

/** A report whose status is its worst check's, as the backend sets it. */
export const makeDiagnosticsReport = (
  checks: DiagnosticCheck[],
): DiagnosticsReport => ({
  generatedAt: '2026-11-27T12:00:00.000Z',
  status: WORST_FIRST.find(s => checks.some(c => c.status === s)) ?? 'ok',
  checks,
});

/** A sample `minute` minutes into the window. */
export const makeMetricsPoint = (
  minute: number,
  over: Partial<MetricsPoint> = {},
): MetricsPoint => ({
  at: new Date(Date.UTC(2026, 10, 27, 12, minute)).toISOString(),
  queueLength: 1,
  maxQueueSize: 100,
  processing: 1,
  maxConcurrentOps: 5,
  claimAttempts: 10,
  claimConflicts: 1,
  claimP95Ms: 40,
  bmcP95MsByVendor: {},
  ...over,
});

/** Thirty minutes of a busy fleet: some conflicts, Dell slower than HPE. */
export const makeMetricsSummary = (
  over: Partial<MetricsSummary> = {},
): MetricsSummary => ({
  windowMs: 30 * 60_000,
  sampleIntervalMs: 10_000,
  claims: {
    attempts: 40,
    conflicts: 5,
    conflictRate: 0.125,
    latency: { count: 35, p50Ms: 12, p95Ms: 48 },
  },
  bmcOperations: {
    byVendor: [
      { vendor: 'dell', count: 12, p50Ms: 2500, p95Ms: 9000 },
      { vendor: 'hpe', count: 4, p50Ms: 800, p95Ms: 1500 },
    ],
    byOperation: [
      { operation: 'provision', count: 16, p50Ms: 2000, p95Ms: 8000 },
    ],
  },
  series: [
    makeMetricsPoint(0, { bmcP95MsByVendor: { dell: 8000 } }),
    makeMetricsPoint(1, { claimConflicts: 4, bmcP95MsByVendor: { hpe: 1500 } }),
    makeMetricsPoint(2, { queueLength: 3, processing: 2, claimAttempts: 20 }),
  ],
  ...over,
});

/** A replica that has just started: nothing measured, no sample taken. */
export const makeIdleMetricsSummary = (): MetricsSummary =>
  makeMetricsSummary({
    claims: { attempts: 0, conflicts: 0, latency: { count: 0 } },
    bmcOperations: { byVendor: [], byOperation: [] },
    series: [],
  });

export const makeRunbookStep = (
  id: string,
  kind: RunbookStepSummary['kind'],
  over: Partial<RunbookStepSummary> = {},
): RunbookStepSummary => ({
  id,
  title: `Step ${id}`,
  description: '',
  kind,
  risk: { level: 'none', description: 'reads only' },
  mutates: false,
  destructive: false,
  verification: 'it holds',
  automatedVerification: kind === 'automated',
  rollback: 'nothing',
  automatedRollback: false,
  ...over,
});

export const makeRunbook = (
  over: Partial<RunbookSummary> = {},
): RunbookSummary => ({
  id: 'host-state-recovery',
  title: 'Host state recovery',
  symptoms: ['Diagnostics: hosts in Error'],
  severity: 'warning',
  guide: 'docs/runbooks.md#host-state-recovery',
  parameters: [],
  steps: [],
  destructive: false,
  ...over,
});

export const makeRunbookRun = (over: Partial<RunbookRun> = {}): RunbookRun => ({
  id: 'run-1',
  runbookId: makeRunbook().id,
  status: 'in-progress',
  dryRun: false,
  startedBy: 'user:default/ops',
  parameters: {},
  nextStepIndex: 0,
  createdAt: '2026-11-27T10:00:00.000Z',
  updatedAt: '2026-11-27T10:00:00.000Z',
  steps: [],
  ...over,
});

export const makeStepResult = (
  over: Partial<RunbookStepResult> = {},
): RunbookStepResult => ({
  stepIndex: 0,
  stepId: 'read-error',
  attempt: 1,
  status: 'passed',
  actor: 'user:default/ops',
  startedAt: '2026-11-27T10:00:01.000Z',
  ...over,
});

/** The error answer of a Backstage backend, as the client parses it. */
export function makeApiError(
  statusCode: number,
  name: string,
  message: string,
) {
  const body: ErrorResponseBody = {
    error: { name, message },
    response: { statusCode },
  };
  return HttpResponse.json(body, { status: statusCode });
}
