export { DiagnosticsService } from './DiagnosticsService';
export { evaluateDiagnostics, overallStatus } from './report';
export { THRESHOLDS } from './thresholds';
export type {
  FleetFacts,
  LatencyFacts,
  LeaderInfo,
  RateSample,
  ReplicaInfo,
  WarningEvent,
} from './ports';
export type { FleetSnapshot, Measured } from './snapshot';
