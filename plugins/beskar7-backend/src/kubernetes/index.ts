export { KubernetesController } from './KubernetesController';
export type { KubernetesControllerOptions } from './KubernetesController';
export {
  CLAIM_COORDINATOR_LEADER_LEASE,
  KubernetesLeaseElector,
} from './KubernetesLeaseElector';
export type { KubernetesLeaseElectorOptions } from './KubernetesLeaseElector';
export { SecretCredentialResolver } from './SecretCredentialResolver';
export { loadKubeConfig, readKubernetesSettings } from './config';
export type { KubernetesSettings } from './config';
export type {
  HostRegistration,
  InventorySink,
  LeaderCallbacks,
  LeaderElectionEventType,
  MachineRegistration,
  MachineSink,
  StatusSource,
} from './ports';
export {
  createKubernetesIntegration,
  KubernetesIntegration,
} from './KubernetesIntegration';
export type { KubernetesConnection } from './KubernetesIntegration';
