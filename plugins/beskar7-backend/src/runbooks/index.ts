export { RunbookEngine } from './RunbookEngine';
export type { RunbookEngineOptions, StepRequest } from './RunbookEngine';
export { PROCEDURES } from './procedures';
export { withContributed } from './withContributed';
export { probeBmc } from './bmcProbe';
export type { BmcProbeOptions, BmcProbeTarget } from './bmcProbe';
export type {
  ClaimInvariantReport,
  ConfigFieldProblem,
  CoordinationSettings,
  RunbookActions,
} from './ports';
export type { RunbookDefinition, RunbookStep, StepContext } from './types';
