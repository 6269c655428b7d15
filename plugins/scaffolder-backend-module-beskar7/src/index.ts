/**
 * Scaffolder actions that request and release Beskar7 bare-metal machines.
 *
 * @packageDocumentation
 */

export { scaffolderModuleBeskar7 as default } from './module';
export { createMachineRequestAction } from './actions/requestMachine';
export type { MachineActionOptions } from './actions/requestMachine';
export { createMachineReleaseAction } from './actions/releaseMachine';
