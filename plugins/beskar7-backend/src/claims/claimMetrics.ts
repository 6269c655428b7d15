import { ClaimCoordinationMode } from '@beskar7/backstage-plugin-beskar7-common';
import {
  Beskar7Metrics,
  ClaimAttemptOutcome,
  ClaimConflictReason,
} from '../metrics';
import { ClaimResult } from './types';

/** Records claim attempts and claim durations for one coordinator. */
export class ClaimMetrics {
  constructor(
    private readonly metrics: Beskar7Metrics,
    private readonly mode: ClaimCoordinationMode,
  ) {}

  attempt(outcome: ClaimAttemptOutcome, reason: ClaimConflictReason = 'none') {
    this.metrics.hostClaimAttempts.inc({ outcome, conflict_reason: reason });
  }

  /** Starts the clock of one claim; call the returned function with its result. */
  startClaim(): (result: ClaimResult | 'error') => void {
    const end = this.metrics.hostClaimDuration.startTimer({ mode: this.mode });
    return result =>
      end({ outcome: result === 'error' ? 'error' : result.outcome });
  }
}
