/**
 * Scaffolder actions that request and release Beskar7 bare-metal machines
 * and create, scale and delete Cluster API clusters on them.
 *
 * @packageDocumentation
 */

export { scaffolderModuleBeskar7 as default } from './module';
export { createMachineRequestAction } from './actions/requestMachine';
export type { MachineActionOptions } from './actions/requestMachine';
export { createMachineReleaseAction } from './actions/releaseMachine';
export { createClusterCreateAction } from './actions/createCluster';
export { createClusterScaleAction } from './actions/scaleCluster';
export { createClusterDeleteAction } from './actions/deleteCluster';
export type { ClusterActionOptions } from './actions/clusters';
export type {
  ClusterCreateActionInput,
  ClusterCreateActionOutput,
  ClusterDeleteActionInput,
  ClusterDeleteActionOutput,
  ClusterScaleActionInput,
  ClusterScaleActionOutput,
  HostLabelSelectorInput,
  HostSelectionInput,
  MachineReleaseInput,
  MachineReleaseOutput,
  MachineRequestInput,
  MachineRequestOutput,
} from './actions/actionTypes';
