/**
 * Node.js library for the beskar7 plugin: the service other backend plugins
 * call, extension points and the interfaces other backend modules implement.
 *
 * @packageDocumentation
 */

export type {
  KernelParamsMechanism,
  PowerAction,
  VendorQuirks,
} from './vendorQuirks';
export type {
  Beskar7AutomatedRunbookStep,
  Beskar7ManualRunbookStep,
  Beskar7RunbookProcedure,
  Beskar7RunbookStepContext,
  Beskar7RunbookStepOutcome,
  Beskar7RunbookVerdict,
} from './runbooks';
export {
  beskar7RunbooksExtensionPoint,
  beskar7VendorsExtensionPoint,
  type Beskar7RunbooksExtensionPoint,
  type Beskar7VendorsExtensionPoint,
} from './extensions';
export * from './service';
