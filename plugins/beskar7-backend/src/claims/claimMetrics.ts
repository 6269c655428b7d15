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

  /** Runs one claim, timed and counted by its outcome (`error` if it throws). */
  async timeClaim(run: () => Promise<ClaimResult>): Promise<ClaimResult> {
    const end = this.metrics.hostClaimDuration.startTimer({ mode: this.mode });
    try {
      const result = await run();
      end({ outcome: result.outcome });
      return result;
    } catch (error) {
      end({ outcome: 'error' });
      throw error;
    }
  }
}
