import { CLUSTER_OWNER_ANNOTATION } from './clusters';
import type { LabelSelector } from './types';

/**
 * A request for a Cluster API cluster on Beskar7 hosts (`POST /clusters`),
 * and the Cluster API objects (contract v1beta1) it stands for. The same
 * objects are applied by the backend or published to a Git repository, so
 * they are built here, apart from any I/O.
 */

/** Control-plane sizes etcd keeps quorum with. @public */
export const CONTROL_PLANE_COUNTS = [1, 3, 5] as const;

/**
 * OS families whose kubeadm bootstrap data Beskar7 serves: cloud-init takes
 * kubeadm's cloud-config, flatcar its Ignition. @public
 */
export const CLUSTER_OS_FAMILIES = ['cloud-init', 'flatcar'] as const;

/** @public */
export interface ClusterRequest {
  namespace: string;
  name: string;
  /** `v1.32.0`: what the image holds. */
  kubernetesVersion: string;
  /** The VIP or load balancer you provide (Beskar7 creates none). */
  controlPlaneEndpoint: { host: string; port: number };
  controlPlaneReplicas: (typeof CONTROL_PLANE_COUNTS)[number];
  workerReplicas: number;
  /** Which hosts every machine of the cluster may claim. */
  hostSelector: {
    pool?: string;
    selector?: LabelSelector;
    tags?: string[];
    minCpuCores?: number;
    minMemoryGiB?: number;
    minDiskGiB?: number;
  };
  imageUrl: string;
  osFamily: (typeof CLUSTER_OS_FAMILIES)[number];
  /** Entity ref of the owner, written to the `beskar7.io/owner` annotation. */
  owner?: string;
}

/** `POST /clusters`. @public */
export interface ClusterCreateResult {
  namespace: string;
  name: string;
  /** False when the Cluster already existed (a retried request). */
  created: boolean;
  /** Every object applied, in order. */
  objects: Array<{ kind: string; name: string }>;
}

/** `POST /clusters/:namespace/:name/scale`. @public */
export interface ClusterScaleRequest {
  replicas: number;
  /** Which MachineDeployment; the cluster's only one when left out. */
  machineDeployment?: string;
}

/** @public */
export interface ClusterScaleResult {
  machineDeployment: string;
  previousReplicas: number;
  replicas: number;
}

/** A Kubernetes object as applied (`kubectl apply -f` takes the same). @public */
export interface ClusterManifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown>;
}

const CAPI = 'cluster.x-k8s.io/v1beta1';
const CONTROL_PLANE = 'controlplane.cluster.x-k8s.io/v1beta1';
const BOOTSTRAP = 'bootstrap.cluster.x-k8s.io/v1beta1';
const INFRASTRUCTURE = 'infrastructure.cluster.x-k8s.io/v1beta1';

/** The worker MachineDeployment of a requested cluster. @public */
export function workerDeploymentName(cluster: string): string {
  return `${cluster}-md-0`;
}

/**
 * The objects of deploy/cluster-api/cluster-template.yaml for the request:
 * the templates and the control plane first and the Cluster last, so that
 * what it refers to exists when Cluster API looks.
 *
 * @public
 */
export function clusterManifests(request: ClusterRequest): ClusterManifest[] {
  const { name, namespace, kubernetesVersion: version } = request;
  const cp = `${name}-control-plane`;
  const md = workerDeploymentName(name);
  const meta = (n: string) => ({ name: n, namespace });
  // kubeadm's data is a Jinja template cloud-init fills in from the meta-data
  // Beskar7 serves: the node is named after the host and kubelet gets the
  // provider ID Cluster API matches the Machine by.
  const nodeRegistration = {
    name: '{{ ds.meta_data.local_hostname }}',
    kubeletExtraArgs: { 'provider-id': '{{ ds.meta_data.provider_id }}' },
  };
  const format = request.osFamily === 'flatcar' ? 'ignition' : 'cloud-config';
  const ref = (apiVersion: string, kind: string, n: string) => ({
    apiVersion,
    kind,
    name: n,
  });

  return [
    {
      apiVersion: INFRASTRUCTURE,
      kind: 'Beskar7MachineTemplate',
      metadata: meta(cp),
      spec: { template: { spec: machineSpec(request) } },
    },
    {
      apiVersion: INFRASTRUCTURE,
      kind: 'Beskar7MachineTemplate',
      metadata: meta(md),
      spec: { template: { spec: machineSpec(request) } },
    },
    {
      apiVersion: BOOTSTRAP,
      kind: 'KubeadmConfigTemplate',
      metadata: meta(md),
      spec: {
        template: {
          spec: { format, joinConfiguration: { nodeRegistration } },
        },
      },
    },
    {
      apiVersion: INFRASTRUCTURE,
      kind: 'Beskar7Cluster',
      metadata: meta(name),
      spec: { controlPlaneEndpoint: request.controlPlaneEndpoint },
    },
    {
      apiVersion: CONTROL_PLANE,
      kind: 'KubeadmControlPlane',
      metadata: meta(cp),
      spec: {
        replicas: request.controlPlaneReplicas,
        version,
        machineTemplate: {
          infrastructureRef: ref(INFRASTRUCTURE, 'Beskar7MachineTemplate', cp),
        },
        kubeadmConfigSpec: {
          format,
          initConfiguration: { nodeRegistration },
          joinConfiguration: { nodeRegistration },
        },
      },
    },
    {
      apiVersion: CAPI,
      kind: 'MachineDeployment',
      metadata: meta(md),
      spec: {
        clusterName: name,
        replicas: request.workerReplicas,
        template: {
          spec: {
            clusterName: name,
            version,
            bootstrap: {
              configRef: ref(BOOTSTRAP, 'KubeadmConfigTemplate', md),
            },
            infrastructureRef: ref(
              INFRASTRUCTURE,
              'Beskar7MachineTemplate',
              md,
            ),
          },
        },
      },
    },
    {
      apiVersion: CAPI,
      kind: 'Cluster',
      metadata: {
        ...meta(name),
        ...(request.owner && {
          annotations: { [CLUSTER_OWNER_ANNOTATION]: request.owner },
        }),
      },
      spec: {
        clusterNetwork: {
          pods: { cidrBlocks: ['192.168.0.0/16'] },
          services: { cidrBlocks: ['10.128.0.0/12'] },
        },
        controlPlaneRef: ref(CONTROL_PLANE, 'KubeadmControlPlane', cp),
        infrastructureRef: ref(INFRASTRUCTURE, 'Beskar7Cluster', name),
      },
    },
  ];
}

/** A Beskar7Machine's spec (deploy/crds/beskar7machines.yaml) for every machine. */
function machineSpec(request: ClusterRequest) {
  const { pool, selector, tags } = request.hostSelector;
  const { minCpuCores, minMemoryGiB, minDiskGiB } = request.hostSelector;
  const hostSelector = dropUndefined({
    pool,
    matchLabels: selector?.matchLabels,
    matchExpressions: selector?.matchExpressions,
    tags,
  });
  const hardware = dropUndefined({
    minCPUCores: minCpuCores,
    minMemoryGiB,
    minDiskGiB,
  });
  return {
    imageURL: request.imageUrl,
    osFamily: request.osFamily,
    ...(Object.keys(hostSelector).length && { hostSelector }),
    ...(Object.keys(hardware).length && { hardwareRequirements: hardware }),
  };
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
