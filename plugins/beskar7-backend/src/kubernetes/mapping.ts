import { InputError } from '@backstage/errors';
import { Host, Machine } from '@beskar7/backstage-plugin-beskar7-common';
import { HostRegistration, MachineRegistration } from './ports';
import {
  API_VERSION,
  BESKAR7_MACHINE,
  Beskar7MachineObject,
  Beskar7MachineStatus,
  Condition,
  ObjectReference,
  PhysicalHostObject,
  PhysicalHostStatus,
} from './types';

/** Credentials refs that name a Kubernetes Secret, read at use time. */
export const SECRET_REF_PREFIX = 'k8s-secret:';

/** `k8s-secret:<namespace>/<name>`: the Secret is referred to, never copied. */
export function kubernetesSecretRef(namespace: string, name: string): string {
  return `${SECRET_REF_PREFIX}${namespace}/${name}`;
}

/** The Secret a credentials ref names, or undefined if it names none. */
export function parseKubernetesSecretRef(
  ref: string,
): { namespace: string; name: string } | undefined {
  if (!ref.startsWith(SECRET_REF_PREFIX)) return undefined;
  const [namespace, name, ...rest] = ref
    .slice(SECRET_REF_PREFIX.length)
    .split('/');
  return namespace && name && rest.length === 0
    ? { namespace, name }
    : undefined;
}

/** `b7://<namespace>/<name>`: what Cluster API keys the machine by. */
export function providerIdOf(namespace: string, name: string): string {
  return `b7://${namespace}/${name}`;
}

/** What a PhysicalHost's `spec.consumerRef` says about the machine holding it. */
export function consumerRefOf(machine: Beskar7MachineObject): ObjectReference {
  return dropUndefined({
    apiVersion: API_VERSION,
    kind: BESKAR7_MACHINE.kind,
    name: machine.metadata.name,
    namespace: machine.metadata.namespace,
    uid: machine.metadata.uid,
  });
}

export function physicalHostToRegistration(
  obj: PhysicalHostObject,
): HostRegistration {
  const { metadata, spec } = obj;
  const connection = spec.redfishConnection;
  return dropUndefined({
    name: metadata.name,
    namespace: metadata.namespace,
    pool: spec.pool ?? 'default',
    labels: metadata.labels ?? {},
    tags: spec.tags ?? [],
    failureDomain: spec.failureDomain,
    bmc: dropUndefined({
      address: connection.address,
      credentialsRef: kubernetesSecretRef(
        metadata.namespace,
        connection.credentialsSecretRef,
      ),
      insecureSkipVerify: connection.insecureSkipVerify ?? false,
      allowPlainHttp: connection.allowPlainHttp ?? false,
      caBundleRef: spec.caBundleSecretRef
        ? kubernetesSecretRef(metadata.namespace, spec.caBundleSecretRef)
        : undefined,
    }),
  });
}

/**
 * The machine request a Beskar7Machine stands for. It claims hosts of its
 * own namespace only, unless cross-namespace claims are configured.
 */
export function beskar7MachineToRequest(
  obj: Beskar7MachineObject,
  options: {
    crossNamespace: boolean;
    /** What its owner Machine gives a Beskar7Machine of Cluster API. */
    clusterApi?: {
      bootstrapDataSecret: string;
      failureDomain?: string;
      failureDomainLabel?: string;
    };
  } = { crossNamespace: false },
): MachineRegistration {
  const { metadata, spec } = obj;
  const selector = spec.hostSelector ?? {};
  const hardware = spec.hardwareRequirements ?? {};
  const { failureDomain, failureDomainLabel } = options.clusterApi ?? {};
  // A failure domain named by a host label is a label requirement.
  const byLabel = failureDomain && failureDomainLabel;
  const matchExpressions = byLabel
    ? [
        ...(selector.matchExpressions ?? []),
        {
          key: failureDomainLabel,
          operator: 'In' as const,
          values: [failureDomain],
        },
      ]
    : selector.matchExpressions;
  const labelSelector = dropUndefined({
    matchLabels: selector.matchLabels,
    matchExpressions,
  });
  return dropUndefined({
    name: metadata.name,
    namespace: metadata.namespace,
    imageUrl: spec.imageURL,
    configUrl: spec.configURL,
    bootstrapDataSecret: options.clusterApi?.bootstrapDataSecret,
    osFamily: spec.osFamily,
    // The CRD defaults these; objects written before the defaults existed may lack them.
    provisioningMode: spec.provisioningMode ?? 'RemoteConfig',
    bootMode: spec.bootMode ?? 'UEFI',
    requirements: dropUndefined({
      namespace: options.crossNamespace ? undefined : metadata.namespace,
      pool: selector.pool,
      tags: selector.tags,
      selector: Object.keys(labelSelector).length ? labelSelector : undefined,
      minCpuCores: hardware.minCPUCores,
      minMemoryGiB: hardware.minMemoryGiB,
      minDiskGiB: hardware.minDiskGiB,
      failureDomain: byLabel ? undefined : failureDomain,
    }),
  });
}

/**
 * A Beskar7Machine on its own (no Cluster API) brings its configuration:
 * RemoteConfig needs `configURL`. One of Cluster API gets the bootstrap
 * data instead, which the CRD cannot tell apart, so the backend checks.
 */
export function requireStandaloneConfig(obj: Beskar7MachineObject): void {
  const { spec } = obj;
  if ((spec.provisioningMode ?? 'RemoteConfig') === 'RemoteConfig') {
    if (!spec.configURL) {
      throw new InputError(
        'Invalid Beskar7Machine: spec.configURL: is required when spec.provisioningMode is RemoteConfig, unless a Cluster API Machine owns the Beskar7Machine (its bootstrap data is the configuration)',
      );
    }
  }
}

/** A host is usable once enrolled and not in error. */
const HOST_NOT_READY = new Set(['Enrolling', 'Error']);

/** The PhysicalHost status that reflects a host of the inventory. */
export function hostStatusOf(
  host: Host,
  previous: PhysicalHostStatus = {},
  now: Date = new Date(),
): PhysicalHostStatus {
  const ready = !HOST_NOT_READY.has(host.state);
  const { hardware } = host;
  // The printer column shows one line, never a raw multi-line error.
  const errorMessage = host.errorMessage?.split('\n')[0];
  return dropUndefined({
    state: host.state,
    ready,
    // The Power printer column: what the BMC said last.
    observedPowerState: host.powerState,
    errorMessage,
    hardwareDetails: dropUndefined({
      manufacturer: hardware.manufacturer,
      model: hardware.model,
      serialNumber: hardware.serialNumber,
      // The CRD counts whole units.
      cpuCores: wholeOrUndefined(hardware.cpuCores),
      memoryGiB: wholeOrUndefined(hardware.memoryGiB),
      diskGiB: wholeOrUndefined(hardware.diskGiB),
      macAddresses: hardware.macAddresses,
    }),
    conditions: withCondition(
      previous.conditions,
      {
        type: 'Ready',
        status: ready ? 'True' : 'False',
        reason: host.state,
        message: errorMessage,
      },
      now,
    ),
  });
}

/** The Beskar7Machine status that reflects a machine request. */
export function machineStatusOf(
  machine: Machine,
  host?: Host,
  previous: Beskar7MachineStatus = {},
  now: Date = new Date(),
): Beskar7MachineStatus {
  const ready = machine.phase === 'Provisioned';
  const failed = machine.phase === 'Failed';
  const failure = failed ? machine.failureReason?.split('\n')[0] : undefined;
  const readyConditions = withCondition(
    previous.conditions,
    {
      type: 'Ready',
      status: ready ? 'True' : 'False',
      reason: machine.phase,
      message: failure,
    },
    now,
  );
  const release = releaseConditionOf(machine, host);
  return dropUndefined({
    ready,
    initialization: { provisioned: ready },
    phase: machine.phase,
    hostRef: host ? { name: host.name, namespace: host.namespace } : undefined,
    addresses: addressesOf(machine, host),
    failureReason: failed ? 'ProvisioningFailed' : undefined,
    failureMessage: failure,
    conditions: release
      ? withCondition(readyConditions, release, now)
      : readyConditions,
  });
}

/**
 * Cluster API's machine addresses: the name its OS is given (cloud-init
 * local-hostname) and, with a host, the IPv4 addresses its BMC reported.
 */
function addressesOf(
  machine: Machine,
  host: Host | undefined,
): Array<{ type: string; address: string }> {
  return [
    { type: 'Hostname', address: machine.name },
    ...(host?.hardware.ipAddresses ?? []).map(address => ({
      type: 'InternalIP',
      address,
    })),
  ];
}

/** The condition that says how a machine's release goes. */
export const RELEASED = 'Released';

/**
 * A release in progress, failed or ended; nothing before one starts. A
 * release whose cleanup failed for good ends too (the host stays in Error,
 * never claimed, until recovered), and says so.
 */
function releaseConditionOf(
  machine: Machine,
  host: Host | undefined,
): Omit<Condition, 'lastTransitionTime'> | undefined {
  if (machine.phase === 'Released') {
    return machine.failureReason
      ? {
          type: RELEASED,
          status: 'True',
          reason: 'ReleaseFailed',
          message: `${machine.failureReason}. The host stays in Error, never claimed; recover it to run its cleanup again.`,
        }
      : { type: RELEASED, status: 'True', reason: RELEASED };
  }
  if (machine.phase !== 'Releasing') return undefined;
  if (host?.state === 'Error') {
    return {
      type: RELEASED,
      status: 'False',
      reason: 'ReleaseFailed',
      message: `Cleaning up host ${host.namespace}/${host.name} failed: ${
        host.errorMessage ?? 'the host is in Error'
      }. Recover the host to run its cleanup again; the machine is deleted once it ends.`,
    };
  }
  return { type: RELEASED, status: 'False', reason: 'Releasing' };
}

/** The `Accepted` condition: whether the backend took the object's current spec in. */
export const ACCEPTED = 'Accepted';

/** Whether `conditions` already say what `refusal` (or its absence) says. */
export function acceptanceCurrent(
  conditions: Condition[] | undefined,
  refusal: { reason: string; message: string } | undefined,
): boolean {
  const current = conditions?.find(c => c.type === ACCEPTED);
  // Nothing said yet about an accepted object: nothing to say.
  if (!refusal) return !current || current.status === 'True';
  return (
    current?.status === 'False' &&
    current.reason === refusal.reason &&
    current.message === refusal.message
  );
}

/**
 * A status that says the spec was refused (`Accepted` False, and what the
 * kind shows a failure in), or accepted again.
 */
export function withAcceptance<
  S extends { conditions?: Condition[] } & Record<string, unknown>,
>(
  status: S,
  plural: string,
  refusal: { reason: string; message: string } | undefined,
  now: Date = new Date(),
): S {
  const conditions = withCondition(
    status.conditions,
    refusal
      ? { type: ACCEPTED, status: 'False', ...refusal }
      : { type: ACCEPTED, status: 'True', reason: ACCEPTED },
    now,
  );
  if (!refusal) return { ...status, conditions };
  if (plural === BESKAR7_MACHINE.plural) {
    // A machine whose spec was never taken in has failed; one whose spec
    // changed keeps the phase of the machine it has.
    return status.phase
      ? { ...status, conditions }
      : {
          ...status,
          conditions,
          ready: false,
          phase: 'Failed',
          failureReason: refusal.reason,
          failureMessage: refusal.message,
        };
  }
  return { ...status, conditions, ready: false, errorMessage: refusal.message };
}

/**
 * Sets one condition, keeping its lastTransitionTime unless its status
 * changed, so that an unchanged status compares equal and is not rewritten.
 */
export function withCondition(
  conditions: Condition[] = [],
  condition: Omit<Condition, 'lastTransitionTime'>,
  now: Date,
): Condition[] {
  const previous = conditions.find(c => c.type === condition.type);
  const lastTransitionTime =
    previous?.status === condition.status && previous.lastTransitionTime
      ? previous.lastTransitionTime
      : now.toISOString();
  const next = dropUndefined({ ...condition, lastTransitionTime });
  return previous
    ? conditions.map(c => (c === previous ? next : c))
    : [...conditions, next];
}

function wholeOrUndefined(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value);
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}
