import {
  BESKAR7_CLUSTER,
  Beskar7ClusterObject,
  KubeObject,
  ObjectMeta,
  OwnerReference,
} from './types';

/*
 * What the InfraMachine contract (Cluster API v1beta1) asks of a
 * Beskar7Machine before it claims a host, as pure functions of the objects
 * read: its owner Machine, and the Cluster that Machine belongs to.
 */

export const CLUSTER_API_GROUP = 'cluster.x-k8s.io';
export const CLUSTER_API_VERSION = 'v1beta1';
export const CLUSTER_NAME_LABEL = `${CLUSTER_API_GROUP}/cluster-name`;
export const PAUSED_ANNOTATION = `${CLUSTER_API_GROUP}/paused`;
const CLONED_FROM_ANNOTATION = `${CLUSTER_API_GROUP}/cloned-from-name`;

/** The parts of a Cluster API Machine the backend reads. */
export type ClusterApiMachine = KubeObject<{
  clusterName: string;
  bootstrap?: { dataSecretName?: string };
  failureDomain?: string;
}>;

/** The parts of a Cluster API Cluster the backend reads. */
export type ClusterApiCluster = KubeObject<{
  paused?: boolean;
  infrastructureRef?: { kind?: string; name: string };
}>;

/** The owner reference to a Cluster API Machine, if the object has one. */
export function machineOwnerOf(
  metadata: ObjectMeta,
): OwnerReference | undefined {
  return metadata.ownerReferences?.find(
    ref =>
      ref.kind === 'Machine' &&
      ref.apiVersion.split('/')[0] === CLUSTER_API_GROUP,
  );
}

/**
 * Whether Cluster API manages the object: owned by a Machine, or cloned
 * from a template / labelled with a cluster (the owner reference follows
 * right after cloning).
 */
export function managedByClusterApi(metadata: ObjectMeta): boolean {
  return Boolean(
    machineOwnerOf(metadata) ||
      metadata.labels?.[CLUSTER_NAME_LABEL] ||
      metadata.annotations?.[CLONED_FROM_ANNOTATION],
  );
}

/** The name of the Cluster the object belongs to, if known. */
export function clusterNameOf(
  metadata: ObjectMeta,
  machine?: ClusterApiMachine,
): string | undefined {
  return machine?.spec.clusterName ?? metadata.labels?.[CLUSTER_NAME_LABEL];
}

/** `cluster.x-k8s.io/paused` on the object, or the owning Cluster paused. */
export function isPaused(
  metadata: ObjectMeta,
  cluster?: ClusterApiCluster,
): boolean {
  return (
    metadata.annotations?.[PAUSED_ANNOTATION] !== undefined ||
    cluster?.spec.paused === true
  );
}

/** A Secret as the backend can see it. */
export type SecretState = 'found' | 'missing' | 'forbidden';

/** What a Beskar7Machine may do now. */
export type ClusterApiGate =
  | { kind: 'standalone' }
  | { kind: 'paused' }
  | { kind: 'waiting'; reason: string; message: string }
  | {
      kind: 'ready';
      bootstrapDataSecret: string;
      failureDomain?: string;
      /** The host label whose value is the failure domain (the Beskar7Cluster's). */
      failureDomainLabel?: string;
    };

/** The Beskar7Cluster a Cluster's infrastructure is, if it is one. */
export function beskar7ClusterRefOf(
  cluster: ClusterApiCluster | undefined,
): string | undefined {
  const ref = cluster?.spec.infrastructureRef;
  return ref?.kind === BESKAR7_CLUSTER.kind ? ref.name : undefined;
}

/**
 * Standalone objects do as they always did; those of Cluster API wait for
 * their owner Machine and its bootstrap data, and do nothing while paused.
 */
export function clusterApiGate(
  metadata: ObjectMeta,
  machine: ClusterApiMachine | undefined,
  cluster: ClusterApiCluster | undefined,
  infraCluster?: Beskar7ClusterObject,
  /** Whether the bootstrap data Secret is there to be served. */
  bootstrapSecret: SecretState = 'found',
): ClusterApiGate {
  if (!managedByClusterApi(metadata)) {
    return isPaused(metadata) ? { kind: 'paused' } : { kind: 'standalone' };
  }
  if (isPaused(metadata, cluster)) return { kind: 'paused' };
  const owner = machineOwnerOf(metadata);
  if (!owner || !machine) {
    return {
      kind: 'waiting',
      reason: 'WaitingForClusterAPIMachineOwnerRef',
      message: owner
        ? `waiting for the owner Machine ${owner.name}`
        : 'waiting for Cluster API to set the owner Machine',
    };
  }
  const secret = machine.spec.bootstrap?.dataSecretName;
  if (!secret) {
    return {
      kind: 'waiting',
      reason: 'WaitingForBootstrapData',
      message: `waiting for Machine ${machine.metadata.name}'s spec.bootstrap.dataSecretName`,
    };
  }
  // Named before it exists (a Secret written by hand, or moved): no host
  // is claimed for data that cannot be served yet.
  if (bootstrapSecret !== 'found') {
    return {
      kind: 'waiting',
      reason: 'WaitingForBootstrapData',
      message:
        bootstrapSecret === 'missing'
          ? `waiting for the bootstrap data Secret ${secret}`
          : `the backend may not read the bootstrap data Secret ${secret}: bind the ClusterRole beskar7-bootstrap-data in namespace ${metadata.namespace}`,
    };
  }
  const { failureDomain } = machine.spec;
  const infraName = beskar7ClusterRefOf(cluster);
  // The Beskar7Cluster says what a failure domain is on the hosts.
  if (failureDomain && infraName && !infraCluster) {
    return {
      kind: 'waiting',
      reason: 'WaitingForInfrastructure',
      message: `waiting for the Beskar7Cluster ${infraName}`,
    };
  }
  return {
    kind: 'ready',
    bootstrapDataSecret: secret,
    failureDomain,
    failureDomainLabel: infraCluster?.spec.failureDomainLabel,
  };
}
