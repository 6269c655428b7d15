export {
  startSimulatedFleet,
  simulatedHostIdentity,
  type SimulatedFleet,
  type SimulatedFleetOptions,
  type SimulatedHost,
} from './fleet';
export {
  SIM_FAULTS_PATH,
  SimulatedBmc,
  type SimulatedBmcOptions,
} from './bmcServer';
export { ResourceTree, loadMockupTree } from './resourceTree';
export { generateTree } from './generateTree';
export {
  SIMULATED_VENDORS,
  VENDOR_LAYOUTS,
  type SimulatedVendor,
} from './layouts';
export type { SimFault, SimFaultKind } from './faults';
export type { SimOperation } from './operations';
export {
  BmcCounters,
  ConcurrencyGauge,
  type SimRequestRecord,
} from './counters';
export type { BootRecord } from './machine';
export type { BootFetch } from './bootConfig';
