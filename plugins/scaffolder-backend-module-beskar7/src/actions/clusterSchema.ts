import { CLUSTER_OS_FAMILIES } from '@beskar7/backstage-plugin-beskar7-common';
import { z } from 'zod/v3';
import { dnsLabel, labelSelector, waitTimeout, Zod } from './schema';

const clusterRef = (zod: Zod) => ({
  name: dnsLabel(zod).describe('Name of the Cluster API Cluster'),
  namespace: dnsLabel(zod)
    .default('default')
    .describe('Namespace of the cluster'),
});

export const clusterCreateInput = (zod: Zod) =>
  zod.object({
    ...clusterRef(zod),
    kubernetesVersion: zod
      .string()
      .regex(/^v\d+\.\d+\.\d+$/, 'must be a version like v1.32.0')
      .describe('Kubernetes version; the image must hold it'),
    controlPlaneEndpoint: zod
      .string()
      .min(1)
      .describe('VIP or load balancer address of the API servers'),
    controlPlanePort: zod.number().int().min(1).max(65535).default(6443),
    controlPlaneReplicas: zod
      .union([zod.literal(1), zod.literal(3), zod.literal(5)])
      .default(1)
      .describe('Control-plane machines: 1, 3 or 5'),
    workerReplicas: zod.number().int().min(0).max(500).default(0),
    pool: dnsLabel(zod).optional().describe('Host pool of every machine'),
    labelSelector: labelSelector(zod),
    tags: zod.array(zod.string().min(1)).optional(),
    minCpuCores: zod.number().int().min(0).optional(),
    minMemoryGiB: zod.number().int().min(0).optional(),
    minDiskGiB: zod.number().int().min(0).optional(),
    imageUrl: zod
      .string()
      .url()
      .describe('http(s) URL of the installer image every machine boots'),
    osFamily: zod.enum(CLUSTER_OS_FAMILIES).default('cloud-init'),
    owner: zod
      .string()
      .optional()
      .describe('Entity ref of the owner (the beskar7.io/owner annotation)'),
    anyNamespace: zod
      .boolean()
      .default(false)
      .describe(
        'Count hosts of every namespace as capacity (set when the backend has beskar7.kubernetes.crossNamespaceClaims)',
      ),
    apply: zod
      .boolean()
      .default(true)
      .describe(
        'Apply the objects through the Beskar7 backend; false to only write them (GitOps)',
      ),
    manifestsPath: zod
      .string()
      .optional()
      .describe(
        'Workspace file to write the objects to (YAML), for a publish step',
      ),
    wait: zod
      .boolean()
      .default(true)
      .describe('Wait until a control-plane Machine is Provisioned'),
    timeoutSeconds: waitTimeout(zod),
  });

export const clusterCreateOutput = (zod: Zod) =>
  zod.object({
    clusterUrl: zod.string().describe('The cluster page in the portal'),
    eligibleHosts: zod.number(),
    requestedMachines: zod.number(),
    summary: zod.string(),
  });

export const clusterScaleInput = (zod: Zod) =>
  zod.object({
    ...clusterRef(zod),
    replicas: zod.number().int().min(0).max(500).describe('Worker machines'),
    machineDeployment: dnsLabel(zod)
      .optional()
      .describe("The MachineDeployment; the cluster's only one by default"),
  });

export const clusterScaleOutput = (zod: Zod) =>
  zod.object({
    machineDeployment: zod.string(),
    previousReplicas: zod.number(),
    replicas: zod.number(),
  });

export const clusterDeleteInput = (zod: Zod) =>
  zod.object({
    ...clusterRef(zod),
    confirm: zod
      .string()
      .describe('The cluster name again: nothing is deleted unless it matches'),
  });

export type ClusterCreateInput = z.output<
  ReturnType<typeof clusterCreateInput>
>;
