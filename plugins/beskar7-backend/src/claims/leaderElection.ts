import { InputError } from '@backstage/errors';

/** Timing of a lease-based leader election, with Kubernetes' meanings. */
export interface LeaderElectionTiming {
  /** How long a lease lasts after its last renewal: others wait this long for a silent leader. */
  leaseDurationMs: number;
  /** How long a leader keeps trying to renew before it stops acting as leader. */
  renewDeadlineMs: number;
  /** Time between two tries to acquire or renew. */
  retryPeriodMs: number;
}

/** Kubernetes' client-go defaults (15 s, 10 s, 2 s). */
export const DEFAULT_LEADER_ELECTION_TIMING: LeaderElectionTiming = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

/**
 * Fills in defaults and checks leaseDuration > renewDeadline > retryPeriod > 0:
 * a leader must give up before its lease can expire under it, and must get
 * more than one try to renew.
 */
export function resolveLeaderElectionTiming(
  timing: Partial<LeaderElectionTiming> = {},
): LeaderElectionTiming {
  const resolved = { ...DEFAULT_LEADER_ELECTION_TIMING, ...timing };
  const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = resolved;
  if (
    !(retryPeriodMs > 0) ||
    !(renewDeadlineMs > retryPeriodMs) ||
    !(leaseDurationMs > renewDeadlineMs)
  ) {
    throw new InputError(
      `Leader election needs leaseDuration > renewDeadline > retryPeriod > 0, got ${leaseDurationMs} ms, ${renewDeadlineMs} ms, ${retryPeriodMs} ms`,
    );
  }
  return resolved;
}
