export {
  BmcProvisionerFactory,
  createBmcProvisioner,
  type BmcProvisionerFactoryOptions,
} from './factory';
export type {
  BmcCredentials,
  BmcInventory,
  BmcOperation,
  BmcOperationEvent,
  BmcProvisioner,
  BootOverride,
  BootTarget,
  DiskInfo,
  IdentifiedSystem,
  KernelParamsStatus,
  PowerState,
  RedfishClientOptions,
  VirtualMediaStatus,
} from './types';
export {
  BmcUnavailableError,
  RedfishAuthError,
  RedfishConnectionError,
  RedfishError,
  RedfishHttpError,
  RedfishSessionRefusedError,
  RedfishUnsupportedError,
} from './errors';
export { BUILTIN_VENDORS, detectVendor } from './vendors';
export { buildKernelParams } from './kernelParams';
