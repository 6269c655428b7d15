import { LoggerService } from '@backstage/backend-plugin-api';
import { ClaimCoordinationMode } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { Beskar7Metrics } from '../metrics';
import { LeaderClaimCoordinator } from './LeaderClaimCoordinator';
import { LeaderElectionTiming } from './leaderElection';
import { LockingClaimCoordinator } from './LockingClaimCoordinator';
import { OptimisticClaimCoordinator } from './OptimisticClaimCoordinator';
import { ClaimCoordinator } from './types';

export interface ClaimCoordinatorOptions {
  mode: ClaimCoordinationMode;
  knex: Knex;
  metrics: Beskar7Metrics;
  logger?: LoggerService;
  /** Leader mode only. */
  replicaId?: string;
  /** Leader mode only. */
  leaderElection?: Partial<LeaderElectionTiming>;
  /** Leader mode only: whether this replica may stand for leader. */
  leaderCandidate?: () => boolean;
}

/** The coordinator for the configured mode (`beskar7.claims.mode`). */
export function createClaimCoordinator(
  options: ClaimCoordinatorOptions,
): ClaimCoordinator {
  const { mode, knex, metrics, logger } = options;
  switch (mode) {
    case 'optimistic':
      return new OptimisticClaimCoordinator({ knex, metrics });
    case 'locking':
      return new LockingClaimCoordinator({ knex, metrics });
    case 'leader':
      return new LeaderClaimCoordinator({
        knex,
        metrics,
        logger,
        replicaId: options.replicaId,
        leaderElection: options.leaderElection,
        candidate: options.leaderCandidate,
      });
    default:
      throw new Error(`Unknown claim coordination mode: ${mode}`);
  }
}
