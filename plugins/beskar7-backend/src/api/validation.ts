import { InputError, NotFoundError } from '@backstage/errors';
import {
  BOOT_MODES,
  CLUSTER_OS_FAMILIES,
  ClusterRequest,
  ClusterScaleRequest,
  CONTROL_PLANE_COUNTS,
  HOST_SORT_FIELDS,
  HOST_STATES,
  JOB_STATUSES,
  JobStatus,
  LABEL_SELECTOR_OPERATORS,
  ListHostsQuery,
  MachineRequest,
  OS_FAMILIES,
  PROVISIONING_MODES,
  RegisterHostRequest,
  UpdateHostRequest,
} from '@beskar7/backstage-plugin-beskar7-common';
import { z } from 'zod';

/**
 * Kubernetes' DNS-1123 label, so that hosts and machines map one-to-one onto
 * PhysicalHost and Beskar7Machine objects. The spec holds the same pattern.
 */
export const DNS_LABEL = {
  pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
  problem:
    'must be lowercase letters, digits and "-", starting and ending with a letter or digit',
};

const dnsLabel = z
  .string()
  .min(1)
  .max(63)
  .regex(DNS_LABEL.pattern, DNS_LABEL.problem);

/** A Kubernetes object name (DNS-1123 subdomain), e.g. a Secret's. */
const dnsSubdomain = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    'must be a DNS subdomain: lowercase letters, digits, "-" and "."',
  );

const labelKey = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/,
    'is not a valid label key',
  );
const labelValue = z
  .string()
  .max(63)
  .regex(
    /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/,
    'is not a valid label value',
  );
const labels = z
  .record(labelKey, labelValue)
  .refine(l => Object.keys(l).length <= 64, 'may hold at most 64 labels');
const tags = z.array(z.string().min(1).max(63)).max(64);

function httpUrl(what: string) {
  return z
    .string()
    .max(2048)
    .refine(value => {
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
    }, `must be an http or https ${what} URL without credentials in it`);
}

export const bmcAddress = httpUrl('BMC');

const registerHost = z.strictObject({
  name: dnsLabel,
  namespace: dnsLabel.default('default'),
  pool: dnsLabel.default('default'),
  labels: labels.default({}),
  tags: tags.default([]),
  failureDomain: z.string().min(1).max(63).optional(),
  bmc: z.strictObject({
    address: bmcAddress,
    credentialsRef: z.string().min(1).max(253),
    insecureSkipVerify: z.boolean().default(false),
    caBundleRef: z.string().min(1).max(253).optional(),
    allowPlainHttp: z.boolean().default(false),
  }),
});

const bmcTls = z
  .strictObject({
    insecureSkipVerify: z.boolean(),
    caBundleRef: z.string().min(1).max(253).nullable(),
  })
  .partial()
  .refine(b => Object.keys(b).length > 0, 'must change at least one field');

const updateHost = z
  .strictObject({ pool: dnsLabel, labels, tags, bmc: bmcTls })
  .partial()
  .refine(u => Object.keys(u).length > 0, 'must change at least one field');

const selectorExpression = z
  .strictObject({
    key: labelKey,
    operator: z.enum(LABEL_SELECTOR_OPERATORS),
    values: z.array(labelValue).max(64).optional(),
  })
  .refine(
    e =>
      e.operator === 'In' || e.operator === 'NotIn'
        ? (e.values?.length ?? 0) > 0
        : e.values === undefined || e.values.length === 0,
    'In and NotIn need values; Exists and DoesNotExist take none',
  );

const requirements = z.strictObject({
  namespace: dnsLabel.optional(),
  pool: dnsLabel.optional(),
  selector: z
    .strictObject({
      matchLabels: labels.optional(),
      matchExpressions: z.array(selectorExpression).max(32).optional(),
    })
    .optional(),
  tags: tags.optional(),
  minCpuCores: z.int().min(0).max(4096).optional(),
  minMemoryGiB: z.int().min(0).max(1048576).optional(),
  minDiskGiB: z.int().min(0).max(10485760).optional(),
  failureDomain: z.string().min(1).max(63).optional(),
});

const machineRequestFields = z.strictObject({
  name: dnsLabel,
  namespace: dnsLabel.default('default'),
  requirements: requirements.default({}),
  imageUrl: httpUrl('image'),
  configUrl: httpUrl('config').optional(),
  osFamily: z.enum(OS_FAMILIES),
  provisioningMode: z.enum(PROVISIONING_MODES),
  bootMode: z.enum(BOOT_MODES).default('UEFI'),
});

const machineRequest = machineRequestFields.refine(
  m => m.provisioningMode !== 'RemoteConfig' || m.configUrl !== undefined,
  {
    message: 'is required when provisioningMode is RemoteConfig',
    path: ['configUrl'],
  },
);

/**
 * A Beskar7Machine owned by Cluster API: its configuration is the bootstrap
 * data of the named Secret, so RemoteConfig needs no configUrl.
 */
const kubernetesMachineRequest = machineRequestFields
  .extend({ bootstrapDataSecret: dnsSubdomain.optional() })
  .refine(
    m =>
      m.provisioningMode !== 'RemoteConfig' ||
      m.configUrl !== undefined ||
      m.bootstrapDataSecret !== undefined,
    {
      message: 'is required when provisioningMode is RemoteConfig',
      path: ['configUrl'],
    },
  );

/** An IP address or DNS name: where the control plane's API servers are reached. */
const endpointHost = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*|[0-9a-fA-F:.]+)$/,
    'must be an IP address or a DNS name',
  );

const clusterRequest = z.strictObject({
  // The worker MachineDeployment is <name>-md-0 and a Beskar7Machine's name
  // adds Cluster API's suffixes: leave room within 63 characters.
  name: dnsLabel.max(40),
  namespace: dnsLabel.default('default'),
  kubernetesVersion: z
    .string()
    .regex(/^v\d+\.\d+\.\d+$/, 'must be a version like v1.32.0'),
  controlPlaneEndpoint: z.strictObject({
    host: endpointHost,
    port: z.int().min(1).max(65535).default(6443),
  }),
  controlPlaneReplicas: z
    .int()
    .refine(
      n => (CONTROL_PLANE_COUNTS as readonly number[]).includes(n),
      'must be 1, 3 or 5',
    ),
  workerReplicas: z.int().min(0).max(500),
  hostSelector: requirements
    .omit({ namespace: true, failureDomain: true })
    .default({}),
  imageUrl: httpUrl('image'),
  osFamily: z.enum(CLUSTER_OS_FAMILIES),
  owner: z
    .string()
    .max(255)
    .regex(
      /^([a-z]+:)?([a-z0-9-]+\/)?[A-Za-z0-9._-]+$/,
      'must be an entity ref',
    )
    .optional(),
});

const clusterScale = z.strictObject({
  replicas: z.int().min(0).max(500),
  machineDeployment: dnsLabel.optional(),
});

// Query strings arrive as string | string[]; repeated keys mean "any of".
const repeated = z
  .union([z.string(), z.array(z.string())])
  .transform(v => (Array.isArray(v) ? v : [v]));

const listHosts = z.strictObject({
  state: repeated.pipe(z.array(z.enum(HOST_STATES))).optional(),
  pool: dnsLabel.optional(),
  tag: repeated.pipe(z.array(z.string().min(1).max(63))).optional(),
  label: repeated
    .pipe(z.array(z.string().regex(/^[^=]+=[^=]*$/, 'must be key=value')))
    .optional(),
  vendor: z.string().min(1).max(63).optional(),
  text: z.string().min(1).max(128).optional(),
  cluster: z
    .string()
    .regex(
      /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
      'must be namespace/name of a cluster',
    )
    .max(127)
    .optional(),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  orderBy: z.enum(HOST_SORT_FIELDS).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
});

const pageQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const jobsQuery = z.strictObject({
  status: repeated.pipe(z.array(z.enum(JOB_STATUSES))).optional(),
  hostId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const metricsSummaryQuery = z.strictObject({
  windowMinutes: z.coerce.number().int().min(1).max(30).default(5),
});

const runbookStart = z.strictObject({
  dryRun: z.boolean().optional(),
  parameters: z
    .record(
      z.string().max(64),
      z.union([z.string().max(10_000), z.number(), z.boolean()]),
    )
    .optional(),
});

const runbookStepInput = z
  .strictObject({
    verdict: z.enum(['pass', 'fail']).optional(),
    note: z.string().max(2000).optional(),
  })
  .optional();

const runbookRunsQuery = z.strictObject({
  runbookId: z.string().min(1).max(64).optional(),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** Deeper bodies are refused: no request of this API nests more than a few levels. */
const MAX_DEPTH = 32;

/**
 * Finds what no field may hold: the path of the first string with a NUL
 * character (no database column can store one), or of a value nested deeper
 * than MAX_DEPTH. Walks with its own stack, so a hostile nesting cannot
 * overflow the call stack.
 */
function findUnstorable(
  input: unknown,
): { path: string[]; problem: string } | undefined {
  const stack: Array<{ value: unknown; path: string[] }> = [
    { value: input, path: [] },
  ];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) {
        return { path, problem: 'must not contain NUL characters' };
      }
    } else if (typeof value === 'object' && value !== null) {
      if (path.length >= MAX_DEPTH) {
        return { path, problem: `is nested deeper than ${MAX_DEPTH} levels` };
      }
      for (const [key, child] of Object.entries(value)) {
        if (key.includes('\u0000')) {
          return {
            path: [...path, key],
            problem: 'must not contain NUL characters',
          };
        }
        stack.push({ value: child, path: [...path, key] });
      }
    }
  }
  return undefined;
}

/** Turns a zod failure into one 400 message that names every bad field. */
function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const unstorable = findUnstorable(input);
  if (unstorable) {
    const field = unstorable.path.slice(0, 4).join('.') || 'value';
    throw new InputError(`Invalid ${what}: ${field}: ${unstorable.problem}`);
  }
  const result = schema.safeParse(input);
  if (result.success) {
    return result.data;
  }
  const problems = result.error.issues.map(issue => {
    const field = issue.path.map(String).join('.');
    return field ? `${field}: ${issue.message}` : issue.message;
  });
  throw new InputError(`Invalid ${what}: ${problems.join('; ')}`);
}

export function parseRegisterHost(
  body: unknown,
): Required<
  Pick<RegisterHostRequest, 'namespace' | 'pool' | 'labels' | 'tags'>
> &
  RegisterHostRequest {
  return parse(registerHost, body, 'host registration');
}

export function parseUpdateHost(body: unknown): UpdateHostRequest {
  return parse(updateHost, body, 'host update');
}

export function parseMachineRequest(
  body: unknown,
): Required<Pick<MachineRequest, 'namespace' | 'requirements' | 'bootMode'>> &
  MachineRequest {
  return parse(machineRequest, body, 'machine request');
}

/** A machine request from a Beskar7Machine, which may name its bootstrap data Secret. */
export function parseKubernetesMachineRequest(
  body: unknown,
): ReturnType<typeof parseMachineRequest> & { bootstrapDataSecret?: string } {
  return parse(kubernetesMachineRequest, body, 'machine request');
}

export function parseListHostsQuery(query: unknown): ListHostsQuery {
  const q = parse(listHosts, query, 'host query');
  return {
    state: q.state,
    pool: q.pool,
    tags: q.tag,
    labels: q.label
      ? Object.fromEntries(q.label.map(pair => pair.split('=', 2)))
      : undefined,
    vendor: q.vendor,
    text: q.text,
    cluster: q.cluster,
    offset: q.offset,
    limit: q.limit,
    orderBy: q.orderBy,
    order: q.order,
  };
}

export function parsePageQuery(query: unknown): {
  offset: number;
  limit: number;
} {
  return parse(pageQuery, query, 'page query');
}

export function parseJobsQuery(query: unknown): {
  status?: JobStatus[];
  hostId?: string;
  limit: number;
} {
  return parse(jobsQuery, query, 'job query');
}

export function parseMetricsSummaryQuery(query: unknown): {
  windowMinutes: number;
} {
  return parse(metricsSummaryQuery, query, 'metrics summary query');
}

export function parseRunbookStart(body: unknown) {
  return parse(runbookStart, body ?? {}, 'runbook start');
}

export function parseRunbookStepInput(body: unknown) {
  const empty =
    body === undefined ||
    (typeof body === 'object' &&
      body !== null &&
      Object.keys(body).length === 0);
  return (
    parse(runbookStepInput, empty ? undefined : body, 'runbook step input') ??
    {}
  );
}

export function parseRunbookRunsQuery(query: unknown) {
  return parse(runbookRunsQuery, query, 'runbook run query');
}

export function parseClusterRequest(body: unknown): ClusterRequest {
  return parse(clusterRequest, body, 'cluster request') as ClusterRequest;
}

export function parseClusterScale(body: unknown): ClusterScaleRequest {
  return parse(clusterScale, body, 'cluster scale');
}

/** A cluster's namespace and name from the path, or a 404: no Cluster has names of another shape. */
export function plausibleClusterRef(
  namespace: string,
  name: string,
): { namespace: string; name: string } {
  if (
    !dnsLabel.safeParse(namespace).success ||
    !dnsLabel.safeParse(name).success
  ) {
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
