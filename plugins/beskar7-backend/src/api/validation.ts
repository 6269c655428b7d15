import { InputError, NotFoundError } from '@backstage/errors';
import {
  ClusterRequest,
  HostState,
  HostSortField,
  JobStatus,
  LabelSelector,
  ListHostsQuery,
  MachineRequest,
  RegisterHostRequest,
  UpdateHostRequest,
} from '@beskar7/backstage-plugin-beskar7-common';
import { spec } from '../schema/openapi.generated';
import { checkSpecSchema } from './specSchemas';

/*
 * What the spec cannot say. Types, enums, required fields, lengths, patterns
 * and defaults are the spec's (src/schema/openapi.yaml): the router checks
 * requests against it before a handler runs, and checkSpecSchema checks
 * input from elsewhere (Kubernetes objects, actions) against the same
 * schemas. Every refusal here names its field, as the spec's do.
 */

const { DnsLabel, LabelKey } = spec.components.schemas;
const DNS_LABEL = new RegExp(DnsLabel.pattern);
// The spec can give a pattern to values only: label keys are checked here.
const LABEL_KEY = new RegExp(LabelKey.pattern);
/** A Kubernetes object name (DNS-1123 subdomain), e.g. a Secret's. */
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A field and what is wrong with it. */
type Problem = [field: string, problem: string];

function refuse(what: string, problems: Problem[]) {
  if (problems.length === 0) return;
  const described = problems.map(([field, problem]) => `${field}: ${problem}`);
  throw new InputError(`Invalid ${what}: ${described.join('; ')}`);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.hostname !== '' &&
      url.username === '' &&
      url.password === ''
    );
  } catch {
    return false;
  }
}

function urlProblems(
  value: string | undefined,
  field: string,
  what: string,
): Problem[] {
  return value === undefined || isHttpUrl(value)
    ? []
    : [
        [
          field,
          `must be an http or https ${what} URL without credentials in it`,
        ],
      ];
}

function labelKeyProblems(
  labels: Record<string, string> | undefined,
  field: string,
): Problem[] {
  return Object.keys(labels ?? {})
    .filter(key => key.length > 253 || !LABEL_KEY.test(key))
    .map(key => [`${field}.${key}`, 'is not a valid label key']);
}

function selectorProblems(
  selector: LabelSelector | undefined,
  field: string,
): Problem[] {
  const expressions = (selector?.matchExpressions ?? []).flatMap(
    (e, i): Problem[] =>
      (e.operator === 'In' || e.operator === 'NotIn') ===
      (e.values?.length ?? 0) > 0
        ? []
        : [
            [
              `${field}.matchExpressions.${i}`,
              'In and NotIn need values; Exists and DoesNotExist take none',
            ],
          ],
  );
  return [
    ...labelKeyProblems(selector?.matchLabels, `${field}.matchLabels`),
    ...expressions,
  ];
}

/** Deeper input is refused: no request of this API nests more than a few levels. */
const MAX_DEPTH = 32;

/**
 * Refuses what no field may hold: a string with a NUL character (no
 * database column can store one), or a value nested deeper than MAX_DEPTH.
 * Walks with its own stack, so a hostile nesting cannot overflow the call
 * stack.
 */
function refuseUnstorable(input: unknown, what: string) {
  const stack: Array<{ value: unknown; path: string[] }> = [
    { value: input, path: [] },
  ];
  const field = (path: string[]) => path.slice(0, 4).join('.') || 'value';
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) {
        refuse(what, [[field(path), 'must not contain NUL characters']]);
      }
    } else if (typeof value === 'object' && value !== null) {
      if (path.length >= MAX_DEPTH) {
        refuse(what, [
          [field(path), `is nested deeper than ${MAX_DEPTH} levels`],
        ]);
      }
      for (const [key, child] of Object.entries(value)) {
        if (key.includes('\u0000')) {
          refuse(what, [
            [field([...path, key]), 'must not contain NUL characters'],
          ]);
        }
        stack.push({ value: child, path: [...path, key] });
      }
    }
  }
}

/** A host registration with the spec's defaults. */
export type HostRegistration = RegisterHostRequest &
  Required<Pick<RegisterHostRequest, 'namespace' | 'pool' | 'labels' | 'tags'>>;

/** A host registration the spec has checked (the router, or checkRegisterHost). */
export function parseRegisterHost(body: RegisterHostRequest): HostRegistration {
  refuseUnstorable(body, 'host registration');
  refuse('host registration', [
    ...urlProblems(body.bmc.address, 'bmc.address', 'BMC'),
    ...labelKeyProblems(body.labels, 'labels'),
  ]);
  return body as HostRegistration;
}

/** A host registration from outside the router, checked against the spec too. */
export function checkRegisterHost(input: unknown): HostRegistration {
  return parseRegisterHost(
    checkSpecSchema('RegisterHostRequest', input, 'host registration'),
  );
}

export function parseUpdateHost(body: UpdateHostRequest): UpdateHostRequest {
  refuseUnstorable(body, 'host update');
  refuse('host update', labelKeyProblems(body.labels, 'labels'));
  return body;
}

/** A machine request with the spec's defaults. */
export type MachineRequestWithDefaults = MachineRequest &
  Required<Pick<MachineRequest, 'namespace' | 'requirements' | 'bootMode'>>;

function machineProblems(
  request: MachineRequest,
  configured: boolean,
): Problem[] {
  return [
    ...urlProblems(request.imageUrl, 'imageUrl', 'image'),
    ...urlProblems(request.configUrl, 'configUrl', 'config'),
    ...(request.provisioningMode === 'RemoteConfig' && !configured
      ? [['configUrl', 'is required when provisioningMode is RemoteConfig']]
      : []),
    ...selectorProblems(
      request.requirements?.selector,
      'requirements.selector',
    ),
  ] as Problem[];
}

/** A machine request the spec has checked (the router, or checkMachineRequest). */
export function parseMachineRequest(
  body: MachineRequest,
): MachineRequestWithDefaults {
  refuseUnstorable(body, 'machine request');
  refuse(
    'machine request',
    machineProblems(body, body.configUrl !== undefined),
  );
  return body as MachineRequestWithDefaults;
}

/** A machine request from outside the router, checked against the spec too. */
export function checkMachineRequest(
  input: unknown,
): MachineRequestWithDefaults {
  return parseMachineRequest(
    checkSpecSchema('MachineRequest', input, 'machine request'),
  );
}

/**
 * A machine request from a Beskar7Machine owned by Cluster API: its
 * configuration may be the bootstrap data of the named Secret, so
 * RemoteConfig then needs no configUrl.
 */
export function checkKubernetesMachineRequest(
  input: unknown,
): MachineRequestWithDefaults & { bootstrapDataSecret?: string } {
  const { bootstrapDataSecret, ...fields } = (input ?? {}) as {
    bootstrapDataSecret?: unknown;
  };
  const request = checkSpecSchema<MachineRequest>(
    'MachineRequest',
    fields,
    'machine request',
  );
  refuseUnstorable(input, 'machine request');
  const secretOk =
    bootstrapDataSecret === undefined ||
    (typeof bootstrapDataSecret === 'string' &&
      bootstrapDataSecret.length <= 253 &&
      DNS_SUBDOMAIN.test(bootstrapDataSecret));
  refuse('machine request', [
    ...(secretOk
      ? []
      : ([
          [
            'bootstrapDataSecret',
            'must be a DNS subdomain: lowercase letters, digits, "-" and "."',
          ],
        ] as Problem[])),
    ...machineProblems(
      request,
      request.configUrl !== undefined || bootstrapDataSecret !== undefined,
    ),
  ]);
  return {
    ...(request as MachineRequestWithDefaults),
    ...(bootstrapDataSecret !== undefined && {
      bootstrapDataSecret: bootstrapDataSecret as string,
    }),
  };
}

/** A cluster request the spec has checked, with its defaults. */
export function parseClusterRequest(body: unknown): ClusterRequest {
  const request = body as ClusterRequest;
  refuseUnstorable(request, 'cluster request');
  refuse('cluster request', [
    ...urlProblems(request.imageUrl, 'imageUrl', 'image'),
    ...selectorProblems(
      request.hostSelector?.selector,
      'hostSelector.selector',
    ),
  ]);
  return request;
}

/** Repeated query keys mean "any of"; a single one arrives as a string. */
function all<T>(value: T | T[] | undefined): T[] | undefined {
  return value === undefined ? undefined : ([value].flat() as T[]);
}

/** The host list's query, which the spec has checked and given its defaults. */
export function parseListHostsQuery(query: {
  state?: HostState | HostState[];
  pool?: string;
  tag?: string | string[];
  label?: string | string[];
  vendor?: string;
  text?: string;
  cluster?: string;
  updatedSince?: string;
  offset?: number;
  limit?: number;
  orderBy?: HostSortField;
  order?: 'asc' | 'desc';
}): ListHostsQuery {
  refuseUnstorable(query, 'host query');
  const labels = all(query.label);
  return {
    state: all(query.state),
    pool: query.pool,
    tags: all(query.tag),
    labels: labels
      ? Object.fromEntries(labels.map(pair => pair.split('=', 2)))
      : undefined,
    vendor: query.vendor,
    text: query.text,
    cluster: query.cluster,
    updatedSince: query.updatedSince,
    offset: query.offset!,
    limit: query.limit!,
    orderBy: query.orderBy!,
    order: query.order!,
  };
}

/** A page's offset and limit, which the spec has checked and defaulted. */
export function parsePageQuery(query: { offset?: number; limit?: number }): {
  offset: number;
  limit: number;
} {
  return { offset: query.offset!, limit: query.limit! };
}

/** A page of machines, which the spec has checked; `id` keeps only the machines with those ids. */
export function parseListMachinesQuery(query: {
  offset?: number;
  limit?: number;
  id?: string | string[];
}): { offset: number; limit: number; id?: string[] } {
  refuseUnstorable(query, 'machine query');
  return { ...parsePageQuery(query), id: all(query.id) };
}

export function parseJobsQuery(query: {
  status?: JobStatus | JobStatus[];
  hostId?: string;
  limit?: number;
}): { status?: JobStatus[]; hostId?: string; limit: number } {
  refuseUnstorable(query, 'job query');
  return {
    status: all(query.status),
    hostId: query.hostId,
    limit: query.limit!,
  };
}

export function parseRunbookStart(
  body: { dryRun?: boolean; parameters?: Record<string, unknown> } = {},
) {
  refuseUnstorable(body, 'runbook start');
  refuse(
    'runbook start',
    Object.keys(body.parameters ?? {}).some(name => name.length > 64)
      ? [['parameters', 'names must be at most 64 characters']]
      : [],
  );
  return body as {
    dryRun?: boolean;
    parameters?: Record<string, string | number | boolean>;
  };
}

export function parseRunbookStepInput(
  body: { verdict?: 'pass' | 'fail'; note?: string } | undefined,
) {
  refuseUnstorable(body, 'runbook step input');
  return body ?? {};
}

export function parseRunbookRunsQuery(query: {
  runbookId?: string;
  offset?: number;
  limit?: number;
}) {
  refuseUnstorable(query, 'runbook run query');
  return {
    runbookId: query.runbookId,
    offset: query.offset!,
    limit: query.limit!,
  };
}

/** A cluster's namespace and name from the path, or a 404: no Cluster has names of another shape. */
export function plausibleClusterRef(
  namespace: string,
  name: string,
): { namespace: string; name: string } {
  const label = (value: string) => value.length <= 63 && DNS_LABEL.test(value);
  if (!label(namespace) || !label(name)) {
    throw new NotFoundError('No cluster has this namespace and name');
  }
  return { namespace, name };
}

/** Ids in paths: uuids and slugs. Anything else cannot name a stored object. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The id, or a 404 before it reaches a database: no object has an id of another shape. */
export function plausibleId(id: string): string {
  if (!ID_PATTERN.test(id)) {
    throw new NotFoundError('No object has this id: not found');
  }
  return id;
}
