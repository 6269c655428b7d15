import { Counter, Histogram, Registry } from 'prom-client';

/** Outcome of one claim attempt (one try at one host, or a search that found none). */
export type ClaimAttemptOutcome = 'success' | 'conflict' | 'no_hosts' | 'error';

const CONFLICT_REASONS = [
  'optimistic_lock',
  'already_claimed',
  'invalid_state',
] as const;

/** Why a claim attempt lost: `none` unless the outcome is `conflict`. */
export type ClaimConflictReason = (typeof CONFLICT_REASONS)[number] | 'none';

/** Leader election events of the claim coordinator. */
export const LEADER_ELECTION_EVENTS = [
  'acquired',
  'renewed',
  'renew_failed',
  'lost',
  'released',
] as const;
export type LeaderElectionEvent = (typeof LEADER_ELECTION_EVENTS)[number];

/**
 * Every metric of the Beskar7 backend plugin, on a registry of its own (so
 * that two plugin instances, or two tests, never collide in prom-client's
 * global registry). Add new metrics as fields here and create them in
 * `createBeskar7Metrics`.
 */
export interface Beskar7Metrics {
  registry: Registry;
  hostClaimAttempts: Counter<'outcome' | 'conflict_reason'>;
  hostClaimDuration: Histogram<'mode' | 'outcome'>;
  leaderElections: Counter<'event_type'>;
}

export function createBeskar7Metrics(
  registry: Registry = new Registry(),
): Beskar7Metrics {
  const metrics: Beskar7Metrics = {
    registry,
    hostClaimAttempts: new Counter({
      name: 'beskar7_host_claim_attempts_total',
      help: 'Host claim attempts by outcome and, for conflicts, why the attempt lost.',
      labelNames: ['outcome', 'conflict_reason'],
      registers: [registry],
    }),
    hostClaimDuration: new Histogram({
      name: 'beskar7_host_claim_duration_seconds',
      help: 'Time from a claim request to its answer (host claimed, none available, or given up).',
      labelNames: ['mode', 'outcome'],
      buckets: [
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
      ],
      registers: [registry],
    }),
    leaderElections: new Counter({
      name: 'beskar7_claim_coordinator_leader_election_total',
      help: 'Leader election events of the claim coordinator lease.',
      labelNames: ['event_type'],
      registers: [registry],
    }),
  };
  // Each event starts at 0: rate() cannot see the first increment of a
  // series that appears at 1, so a replica's first acquisition would not count.
  for (const event of LEADER_ELECTION_EVENTS) {
    metrics.leaderElections.inc({ event_type: event }, 0);
  }
  // Conflicts too: with none yet, the conflict rate and the dashboard's
  // conflicts panel show 0 instead of no series.
  for (const reason of CONFLICT_REASONS) {
    metrics.hostClaimAttempts.inc(
      { outcome: 'conflict', conflict_reason: reason },
      0,
    );
  }
  return metrics;
}
