export { DiagnosticsService } from './DiagnosticsService';
export { evaluateDiagnostics, overallStatus } from './report';
export { judgeCooldownWaits, THRESHOLDS } from './thresholds';
export type {
  FleetFacts,
  LatencyFacts,
  LeaderInfo,
  PerSecondSample,
  RateSample,
  ReplicaInfo,
  WarningEvent,
} from './ports';
export type { FleetSnapshot, Measured } from './snapshot';
