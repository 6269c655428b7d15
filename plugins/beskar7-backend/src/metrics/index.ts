export { createBeskar7Metrics } from './metrics';
export type {
  Beskar7Metrics,
  ClaimAttemptOutcome,
  ClaimConflictReason,
  LeaderElectionEvent,
} from './metrics';
