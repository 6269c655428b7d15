import { ALERT_LIMITS } from '@beskar7/backstage-plugin-beskar7-common';
import { PerSecondSample } from './ports';

const MINUTE = 60_000;

/**
 * Every limit the health checks compare with, in one table. Rates are
 * fractions; a rate measured on fewer than `minSamples` events is not judged
 * (three conflicts out of five claims say nothing about a fleet).
 */
export const THRESHOLDS = {
  claimConflictRate: {
    windowMs: 15 * MINUTE,
    warningAbove: ALERT_LIMITS.claimConflictRate,
    minSamples: 20,
    runbookId: 'claim-conflicts',
  },
  queueLength: {
    warningAbove: 40,
    /** Share of maxQueueSize at which new requests are about to be refused. */
    errorAtShareOfMax: 0.95,
    runbookId: 'queue-backlog',
  },
  hostsInError: {
    warningAtLeast: 1,
    /** Share of the fleet in Error that points at a common cause (network, image server). */
    errorAtShareOfFleet: 0.1,
    runbookId: 'host-state-recovery',
  },
  hostShortage: { runbookId: 'capacity-planning' },
  pendingWithoutHosts: { runbookId: 'capacity-planning' },
  warningEvents: {
    windowMs: 60 * MINUTE,
    warningAtLeast: 1,
    errorAtLeast: 25,
    runbookId: 'host-state-recovery',
  },
  bmcErrorRate: {
    windowMs: 15 * MINUTE,
    warningAbove: 0.05,
    errorAbove: 0.25,
    minSamples: 20,
    runbookId: 'bmc-connectivity',
  },
  /** The alert's quantity and window (Beskar7BmcCooldownRateHigh). */
  cooldownWaits: {
    windowMs: 5 * MINUTE,
    warningAbovePerSecond: ALERT_LIMITS.bmcCooldownWaitsPerSecond,
    /** Fewer waits than this are not judged, however short the span they fell in. */
    minSamples: 20,
    runbookId: 'queue-backlog',
  },
  plainHttpLogins: { runbookId: 'bmc-connectivity' },
  databaseLatency: {
    warningAboveMs: 100,
    errorAboveMs: 1000,
    runbookId: 'performance-degradation',
  },
  leader: {
    electionRunbookId: 'leader-election-instability',
    splitBrainRunbookId: 'split-brain-recovery',
  },
} as const;

/**
 * Cooldown waits judged as Beskar7BmcCooldownRateHigh judges them (waits per
 * second), by the health check and the performance runbook alike.
 */
export function judgeCooldownWaits(sample: PerSecondSample): {
  perSecond: number;
  judged: boolean;
  over: boolean;
} {
  const t = THRESHOLDS.cooldownWaits;
  const perSecond = sample.seconds > 0 ? sample.events / sample.seconds : 0;
  const judged = sample.events >= t.minSamples;
  return {
    perSecond,
    judged,
    over: judged && perSecond > t.warningAbovePerSecond,
  };
}
