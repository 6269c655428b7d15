export { applyHostTransition } from './applyHostTransition';
export type {
  AppliedTransition,
  HostTransitionRequest,
} from './applyHostTransition';
export { InvalidTransitionError } from './errors';
export { failHost, recoverHost } from './hostActions';
export { HostOperationHandler } from './HostOperationHandler';
export type { HostOperationHandlerOptions } from './HostOperationHandler';
export { HostReconciler } from './HostReconciler';
export type { HostReconcilerOptions } from './HostReconciler';
export { MachineReconciler } from './MachineReconciler';
export type { MachineReconcilerOptions } from './MachineReconciler';
export { Reconcilers } from './Reconcilers';
export type { ReconcilersOptions } from './Reconcilers';
export {
  HOST_TRANSITIONS,
  TRANSIENT_STATES,
  checkTransition,
  findTransition,
} from './transitions';
export type {
  Transition,
  TransitionCheck,
  TransitionContext,
} from './transitions';
export type {
  BmcSystem,
  HostClaimPort,
  HostInventory,
  HostOperationExecutor,
  OperationContext,
  OperationOutcome,
} from './types';
