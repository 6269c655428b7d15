/**
 * Node.js library for the beskar7 plugin: extension points and the
 * interfaces other backend modules implement.
 *
 * @packageDocumentation
 */

export type {
  KernelParamsMechanism,
  PowerAction,
  VendorQuirks,
} from './vendorQuirks';
export {
  beskar7VendorsExtensionPoint,
  type Beskar7VendorsExtensionPoint,
} from './extensions';
