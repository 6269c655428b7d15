import {
  BootMode,
  HostState,
  LabelSelector,
  MachinePhase,
  OsFamily,
  ProvisioningMode,
} from '@beskar7/backstage-plugin-beskar7-common';

export const GROUP = 'infrastructure.cluster.x-k8s.io';
export const VERSION = 'v1beta1';
export const API_VERSION = `${GROUP}/${VERSION}`;

/**
 * Kept on every PhysicalHost and Beskar7Machine the backend has taken in,
 * so that a deletion waits until the active replica has handled it, whoever
 * leads and whenever.
 */
export const FINALIZER = `${GROUP}/beskar7`;

/** A custom resource kind the backend watches. */
export interface CustomResource {
  kind: string;
  plural: string;
}

export const PHYSICAL_HOST: CustomResource = {
  kind: 'PhysicalHost',
  plural: 'physicalhosts',
};
export const BESKAR7_MACHINE: CustomResource = {
  kind: 'Beskar7Machine',
  plural: 'beskar7machines',
};
export const BESKAR7_CLUSTER: CustomResource = {
  kind: 'Beskar7Cluster',
  plural: 'beskar7clusters',
};

export interface ObjectMeta {
  name: string;
  namespace: string;
  uid?: string;
  resourceVersion?: string;
  /** Bumped by the API server on spec changes only (status subresource). */
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  creationTimestamp?: string;
  /** Set when deletion was asked for; the object stays while finalizers remain. */
  deletionTimestamp?: string;
  finalizers?: string[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

/** Cluster API's condition shape (severity only when status is False). */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  severity?: 'Error' | 'Warning' | 'Info';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  name: string;
  namespace?: string;
  uid?: string;
}

export interface PhysicalHostSpec {
  redfishConnection: {
    address: string;
    credentialsSecretRef: string;
    insecureSkipVerify?: boolean;
    allowPlainHttp?: boolean;
  };
  consumerRef?: ObjectReference;
  bootIsoSource?: string;
  userDataSecretRef?: { name?: string; namespace?: string };
  pool?: string;
  tags?: string[];
  failureDomain?: string;
  caBundleSecretRef?: string;
}

export interface PhysicalHostStatus {
  state?: HostState;
  ready?: boolean;
  observedPowerState?: string;
  errorMessage?: string;
  hardwareDetails?: {
    manufacturer?: string;
    model?: string;
    serialNumber?: string;
    cpuCores?: number;
    memoryGiB?: number;
    diskGiB?: number;
    macAddresses?: string[];
    status?: { health?: string; healthRollup?: string; state?: string };
  };
  addresses?: Array<{ type: string; address: string }>;
  conditions?: Condition[];
}

export interface Beskar7MachineSpec {
  providerID?: string;
  imageURL: string;
  configURL?: string;
  osFamily: OsFamily;
  provisioningMode?: ProvisioningMode;
  bootMode?: BootMode;
  hostSelector?: LabelSelector & { pool?: string; tags?: string[] };
  hardwareRequirements?: {
    minCPUCores?: number;
    minMemoryGiB?: number;
    minDiskGiB?: number;
  };
}

export interface Beskar7MachineStatus {
  ready?: boolean;
  /** The v1beta2 contract's reading of `ready`. */
  initialization?: { provisioned?: boolean };
  phase?: MachinePhase;
  hostRef?: { name: string; namespace: string };
  failureReason?: string;
  failureMessage?: string;
  addresses?: Array<{ type: string; address: string }>;
  conditions?: Condition[];
}

export interface Beskar7ClusterSpec {
  controlPlaneEndpoint?: { host?: string; port?: number };
  /**
   * The host label whose values are the cluster's failure domains; the
   * hosts' own `failureDomain` when absent.
   */
  failureDomainLabel?: string;
}

/** Cluster API's (v1beta1) failure domain description. */
export interface FailureDomainSpec {
  controlPlane?: boolean;
  attributes?: Record<string, string>;
}

export interface Beskar7ClusterStatus {
  ready?: boolean;
  /** The v1beta2 contract's reading of `ready`. */
  initialization?: { provisioned?: boolean };
  failureDomains?: Record<string, FailureDomainSpec>;
  failureReason?: string;
  failureMessage?: string;
  conditions?: Condition[];
}

export interface KubeObject<Spec = unknown, Status = unknown> {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: Spec;
  status?: Status;
}

export type PhysicalHostObject = KubeObject<
  PhysicalHostSpec,
  PhysicalHostStatus
>;
export type Beskar7ClusterObject = KubeObject<
  Beskar7ClusterSpec,
  Beskar7ClusterStatus
>;
export type Beskar7MachineObject = KubeObject<
  Beskar7MachineSpec,
  Beskar7MachineStatus
>;
