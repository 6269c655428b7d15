import { Condition, ObjectMeta } from '../kubernetes/types';

/**
 * The parts of Cluster API's objects (contract v1beta1) the portal shows.
 * Read only: the controllers own them.
 */
interface TypedRef {
  apiVersion?: string;
  kind?: string;
  name: string;
  namespace?: string;
}

export interface CapiCluster {
  metadata: ObjectMeta;
  spec?: {
    paused?: boolean;
    controlPlaneEndpoint?: { host?: string; port?: number };
    controlPlaneRef?: TypedRef;
    infrastructureRef?: TypedRef;
  };
  status?: {
    phase?: string;
    failureDomains?: Record<string, { controlPlane?: boolean }>;
    conditions?: Condition[];
  };
}

export interface CapiControlPlane {
  kind?: string;
  metadata: ObjectMeta;
  spec?: { replicas?: number; version?: string };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    version?: string;
    conditions?: Condition[];
  };
}

export interface CapiMachineDeployment {
  metadata: ObjectMeta;
  spec?: {
    clusterName?: string;
    replicas?: number;
    template?: { spec?: { version?: string } };
  };
  status?: {
    phase?: string;
    replicas?: number;
    readyReplicas?: number;
    conditions?: Condition[];
  };
}

export interface CapiMachine {
  metadata: ObjectMeta;
  spec?: {
    clusterName?: string;
    version?: string;
    providerID?: string;
    failureDomain?: string;
    infrastructureRef?: TypedRef;
  };
  status?: { phase?: string; conditions?: Condition[] };
}

export interface Beskar7MachineView {
  metadata: ObjectMeta;
  status?: { phase?: string; ready?: boolean; failureMessage?: string };
}

/** Everything read from the API server in one refresh. */
export interface ClusterObjects {
  clusters: CapiCluster[];
  controlPlanes: CapiControlPlane[];
  machineDeployments: CapiMachineDeployment[];
  machines: CapiMachine[];
  beskar7Machines: Beskar7MachineView[];
}

export const CAPI_GROUP = 'cluster.x-k8s.io';
export const CONTROL_PLANE_GROUP = 'controlplane.cluster.x-k8s.io';
export const INFRASTRUCTURE_GROUP = 'infrastructure.cluster.x-k8s.io';
export const BESKAR7_CLUSTER_KIND = 'Beskar7Cluster';
export const CLUSTER_NAME_LABEL = 'cluster.x-k8s.io/cluster-name';
export const CONTROL_PLANE_LABEL = 'cluster.x-k8s.io/control-plane';
export const DEPLOYMENT_NAME_LABEL = 'cluster.x-k8s.io/deployment-name';

/** The group of an `apiVersion` (`group/version`; core kinds have none). */
export function groupOf(apiVersion: string | undefined): string {
  const slash = apiVersion?.indexOf('/') ?? -1;
  return slash < 0 ? '' : apiVersion!.slice(0, slash);
}
