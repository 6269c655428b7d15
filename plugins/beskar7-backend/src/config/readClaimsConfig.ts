import { Config } from '@backstage/config';
import {
  CLAIM_COORDINATION_MODES,
  ClaimCoordinationMode,
} from '@beskar7/backstage-plugin-beskar7-common';
import { LeaderElectionTiming } from '../claims/leaderElection';
import { parseDuration } from './duration';
import { ProvisioningConfigError } from './readProvisioningConfig';

export interface ClaimsConfig {
  mode: ClaimCoordinationMode;
  leaderElection: Partial<LeaderElectionTiming>;
}

const TIMING_KEYS = {
  leaseDuration: 'leaseDurationMs',
  renewDeadline: 'renewDeadlineMs',
  retryPeriod: 'retryPeriodMs',
} as const;

/** Reads `beskar7.claims`; a bad value stops start-up with the key named. */
export function readClaimsConfig(config: Config): ClaimsConfig {
  const mode = config.getOptionalString('beskar7.claims.mode') ?? 'optimistic';
  if (!(CLAIM_COORDINATION_MODES as readonly string[]).includes(mode)) {
    throw new ProvisioningConfigError([
      {
        key: 'beskar7.claims.mode',
        message: `must be one of ${CLAIM_COORDINATION_MODES.join(', ')}`,
      },
    ]);
  }
  const leaderElection: Partial<LeaderElectionTiming> = {};
  for (const [key, field] of Object.entries(TIMING_KEYS)) {
    const fullKey = `beskar7.claims.leaderElection.${key}`;
    const raw = config.getOptionalString(fullKey);
    if (raw === undefined) continue;
    const ms = parseDuration(raw);
    if (ms === undefined || ms <= 0) {
      throw new ProvisioningConfigError([
        { key: fullKey, message: 'must be a positive duration like 15s' },
      ]);
    }
    leaderElection[field] = ms;
  }
  return { mode: mode as ClaimCoordinationMode, leaderElection };
}
