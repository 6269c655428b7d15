import type { HostState } from './types';

/**
 * Cluster API clusters whose infrastructure is a `Beskar7Cluster`, as the
 * backend reads them from the Kubernetes API (`GET /clusters`).
 */

/**
 * Annotation on a Cluster API `Cluster` naming the catalog entity that owns
 * it (`group:default/payments`); the cluster's catalog Resource is owned by it.
 *
 * @public
 */
export const CLUSTER_OWNER_ANNOTATION = 'beskar7.io/owner';

/** @public */
export const CLUSTER_ROLES = ['control-plane', 'worker'] as const;
/** What a host does for its cluster: a control-plane Machine's or a worker's. */
export type ClusterRole = (typeof CLUSTER_ROLES)[number];

/** A Cluster API condition whose status is not `True`: something to look at. */
export interface ClusterCondition {
  /** The object it was read from: `Cluster`, `KubeadmControlPlane`, `Machine`... */
  kind: string;
  name: string;
  type: string;
  status: 'False' | 'Unknown';
  severity?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** Desired and ready replicas of a control plane or MachineDeployment. */
export interface ReplicaCounts {
  desired: number;
  ready: number;
}

export interface ClusterControlPlane {
  kind: string;
  name: string;
  /** Kubernetes version the control plane runs or rolls out. */
  version?: string;
  replicas: ReplicaCounts;
}

export interface ClusterMachineDeployment {
  name: string;
  version?: string;
  replicas: ReplicaCounts;
  phase?: string;
}

export interface ClusterFailureDomain {
  name: string;
  /** Whether control-plane Machines may be placed in it. */
  controlPlane: boolean;
}

/** One row of the Clusters tab. */
export interface ClusterSummary {
  namespace: string;
  name: string;
  /** `Pending`, `Provisioning`, `Provisioned`, `Deleting`, `Failed`, ... */
  phase?: string;
  /** `host:port`, once given. */
  controlPlaneEndpoint?: string;
  kubernetesVersion?: string;
  controlPlane?: ClusterControlPlane;
  machineDeployments: ClusterMachineDeployment[];
  failureDomains: ClusterFailureDomain[];
  /** Conditions of the Cluster, its control plane and MachineDeployments that are not True. */
  problems: ClusterCondition[];
  /** From the `beskar7.io/owner` annotation. */
  owner?: string;
  paused: boolean;
  createdAt?: string;
}

/** The host a Beskar7Machine holds, as the inventory knows it. */
export interface ClusterHostRef {
  id: string;
  name: string;
  namespace: string;
  state: HostState;
}

/** A Cluster API Machine with its Beskar7Machine and host. */
export interface ClusterMachine {
  name: string;
  role: ClusterRole;
  phase?: string;
  version?: string;
  providerID?: string;
  failureDomain?: string;
  /** Name of the Beskar7Machine of `spec.infrastructureRef`. */
  beskar7Machine?: {
    name: string;
    phase?: string;
    ready: boolean;
    failureMessage?: string;
  };
  host?: ClusterHostRef;
  problems: ClusterCondition[];
}

/** `GET /clusters/:namespace/:name`: the summary and its tree. */
export interface ClusterDetails extends ClusterSummary {
  controlPlaneMachines: ClusterMachine[];
  /** Each MachineDeployment of the summary, in the same order, with its Machines. */
  workers: Array<{ machineDeployment: string; machines: ClusterMachine[] }>;
  /** Machines of the cluster that neither the control plane nor a MachineDeployment owns. */
  otherMachines: ClusterMachine[];
}

/** `GET /clusters`. */
export interface ClusterList {
  items: ClusterSummary[];
  /** False when the backend has no Kubernetes API to read (`beskar7.kubernetes` off). */
  kubernetesEnabled: boolean;
}

/** What a host serves: its cluster and role, when a Cluster API Machine holds it. */
export interface HostCluster {
  namespace: string;
  name: string;
  role: ClusterRole;
  /** The Cluster API Machine. */
  machine: string;
}
