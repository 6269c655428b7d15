/** A host the poller may read: its id, its BMC and when its power was last read. */
export interface PollCandidate {
  hostId: string;
  /** The BMC's normalised endpoint: the unit of limits, cooldowns and backoff. */
  bmc: string;
  observedAt?: number;
}

/** Consecutive failures of one BMC's power reads, and when it may be asked again. */
export interface BmcBackoff {
  failures: number;
  notBefore: number;
}

/**
 * The pause after a BMC's `failures`-th failed read in a row: the poll
 * interval doubled per failure, at most `maxMs`.
 */
export function backoffAfter(
  failures: number,
  intervalMs: number,
  maxMs: number,
): number {
  return Math.min(intervalMs * 2 ** Math.min(failures, 20), maxMs);
}

/**
 * The hosts to read now, grouped by BMC: power read longer than `intervalMs`
 * ago (or never), BMC not busy (a job queued or running, or in its
 * cooldown: the queue's limits hold) and not backing off, stalest first, at
 * most `limit` in all.
 */
export function duePolls(
  candidates: PollCandidate[],
  options: {
    now: number;
    intervalMs: number;
    busy: ReadonlySet<string>;
    backoff: ReadonlyMap<string, BmcBackoff>;
    limit: number;
  },
): Map<string, string[]> {
  const { now, intervalMs, busy, backoff, limit } = options;
  const due = candidates
    .filter(
      c =>
        (c.observedAt === undefined || now - c.observedAt >= intervalMs) &&
        !busy.has(c.bmc) &&
        (backoff.get(c.bmc)?.notBefore ?? 0) <= now,
    )
    .sort((a, b) => (a.observedAt ?? 0) - (b.observedAt ?? 0))
    .slice(0, limit);
  const byBmc = new Map<string, string[]>();
  for (const c of due)
    byBmc.set(c.bmc, [...(byBmc.get(c.bmc) ?? []), c.hostId]);
  return byBmc;
}
