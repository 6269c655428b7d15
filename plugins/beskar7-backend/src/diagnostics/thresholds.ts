import { ALERT_LIMITS } from '@beskar7/backstage-plugin-beskar7-common';

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
  cooldownWaitRate: {
    windowMs: 15 * MINUTE,
    /** More than half the due jobs waiting on a cooldown: cooldowns, not workers, set the pace. */
    warningAbove: 0.5,
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
