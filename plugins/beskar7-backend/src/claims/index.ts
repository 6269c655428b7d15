export { createClaimCoordinator } from './createClaimCoordinator';
export type { ClaimCoordinatorOptions } from './createClaimCoordinator';
export { OptimisticClaimCoordinator } from './OptimisticClaimCoordinator';
export type { OptimisticClaimCoordinatorOptions } from './OptimisticClaimCoordinator';
export { LockingClaimCoordinator } from './LockingClaimCoordinator';
export type { LockingClaimCoordinatorOptions } from './LockingClaimCoordinator';
export {
  CLAIM_COORDINATOR_LEASE,
  LeaderClaimCoordinator,
} from './LeaderClaimCoordinator';
export type { LeaderClaimCoordinatorOptions } from './LeaderClaimCoordinator';
export { LeaseElector, LeaseLostError } from './LeaseElector';
export {
  DEFAULT_LEADER_ELECTION_TIMING,
  resolveLeaderElectionTiming,
} from './leaderElection';
export type { LeaderElectionTiming } from './leaderElection';
export { completeRelease, releaseClaim } from './release';
export { identityKey, selectHosts } from './selection';
export type { ClaimCoordinator, ClaimResult, ReleaseResult } from './types';
