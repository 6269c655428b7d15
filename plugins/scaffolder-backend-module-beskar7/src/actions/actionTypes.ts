import {
  BootMode,
  CLUSTER_OS_FAMILIES,
  LabelSelectorOperator,
  OsFamily,
  ProvisioningMode,
} from '@beskar7/backstage-plugin-beskar7-common';

// The actions' inputs and outputs, written out: the types the schemas infer
// come out with their properties in an order that varies from build to
// build, and these are the package's public API. The schemas must produce
// exactly these (the compiler checks each action against them). Type
// aliases, not interfaces: the scaffolder wants JSON objects, and only
// aliases satisfy its index signature.

/** A Kubernetes-style selector on host labels. @public */
export type HostLabelSelectorInput = {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: LabelSelectorOperator;
    values?: string[];
  }>;
};

/** Host requirements every action that claims hosts takes. @public */
export type HostSelectionInput = {
  pool?: string;
  labelSelector?: HostLabelSelectorInput;
  tags?: string[];
  minCpuCores?: number;
  minMemoryGiB?: number;
  minDiskGiB?: number;
};

/** Input of `beskar7:machine:request`. @public */
export type MachineRequestInput = HostSelectionInput & {
  count: number;
  namespace: string;
  namePrefix?: string;
  failureDomain?: string;
  imageUrl: string;
  osFamily: OsFamily;
  provisioningMode: ProvisioningMode;
  bootMode: BootMode;
  configUrl?: string;
  wait: boolean;
  timeoutSeconds: number;
};

/** Output of `beskar7:machine:request`. @public */
export type MachineRequestOutput = {
  summary: string;
  machineIds: string[];
  machineNames: string[];
  hostNames: string[];
  eligibleHostNames?: string[];
};

/** Input of `beskar7:machine:release`. @public */
export type MachineReleaseInput = {
  machineIds: string[];
  wait: boolean;
  timeoutSeconds: number;
};

/** Output of `beskar7:machine:release`. @public */
export type MachineReleaseOutput = {
  phases: string[];
};

/** Input of `beskar7:cluster:create`. @public */
export type ClusterCreateActionInput = HostSelectionInput & {
  name: string;
  namespace: string;
  kubernetesVersion: string;
  controlPlaneEndpoint: string;
  controlPlanePort: number;
  controlPlaneReplicas: 1 | 3 | 5;
  workerReplicas: number;
  imageUrl: string;
  osFamily: (typeof CLUSTER_OS_FAMILIES)[number];
  owner?: string;
  anyNamespace: boolean;
  apply: boolean;
  manifestsPath?: string;
  wait: boolean;
  timeoutSeconds: number;
};

/** Output of `beskar7:cluster:create`. @public */
export type ClusterCreateActionOutput = {
  summary: string;
  clusterUrl: string;
  eligibleHosts: number;
  requestedMachines: number;
};

/** Input of `beskar7:cluster:scale`. @public */
export type ClusterScaleActionInput = {
  name: string;
  namespace: string;
  replicas: number;
  machineDeployment?: string;
};

/** Output of `beskar7:cluster:scale`. @public */
export type ClusterScaleActionOutput = {
  machineDeployment: string;
  previousReplicas: number;
  replicas: number;
};

/** Input of `beskar7:cluster:delete`. @public */
export type ClusterDeleteActionInput = {
  name: string;
  namespace: string;
  confirm: string;
};

/** Output of `beskar7:cluster:delete`: it declares none. @public */
export type ClusterDeleteActionOutput = { [name: string]: any };
