export { applyDatabaseMigrations } from './migrations';
export { HostStore } from './HostStore';
export type {
  ClaimCandidate,
  CreateHostInput,
  HostListFilter,
} from './HostStore';
export { MachineStore } from './MachineStore';
export type { CreateMachineInput, MachineListFilter } from './MachineStore';
export { HostEventStore } from './HostEventStore';
export type { HostEvent, RecordedHostEvent } from './HostEventStore';
export { LeaseStore } from './LeaseStore';
export type { LeaseRecord } from './LeaseStore';
export { ClaimRequestStore } from './ClaimRequestStore';
export type { ClaimRequestStatus } from './ClaimRequestStore';
export type { HostSpec } from './hostRows';
export type { MachineSpec } from './machineRows';
