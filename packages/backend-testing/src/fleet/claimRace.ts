import { performance } from 'node:perf_hooks';
import {
  ClaimCoordinator,
  ClaimResult,
} from '../../../../plugins/beskar7-backend/src/claims/types';

/** One machine's part in a claim race. */
export interface RaceEntry {
  machineId: string;
  replica: number;
  /** The last answer (`retry` answers are asked again). */
  result: ClaimResult;
  /** Calls to claim(): 1 unless the coordinator answered `retry`. */
  calls: number;
  /** Conflicts over all calls. */
  conflicts: number;
  /** Conditional writes over all calls. */
  attempts: number;
  /** From the first call to the final answer. */
  latencyMs: number;
}

export interface ClaimRaceOptions {
  /** Claims each replica has in flight at once. */
  concurrencyPerReplica: number;
  /** Calls per machine before the race gives up on it (answers `retry` until then). */
  maxCallsPerMachine?: number;
}

/**
 * Races the machines over the coordinators: each replica runs
 * `concurrencyPerReplica` workers taking the next machine from one shared
 * queue, as reconcilers on every replica would. A `retry` answer is asked
 * again, as a reconciler would requeue it.
 */
export async function runClaimRace(
  coordinators: ClaimCoordinator[],
  machineIds: string[],
  options: ClaimRaceOptions,
): Promise<RaceEntry[]> {
  const queue = [...machineIds];
  const entries = await Promise.all(
    coordinators.map((coordinator, replica) =>
      claimEach(coordinator, replica, async () => queue.shift(), options),
    ),
  );
  return entries.flat();
}

/**
 * One replica's part of a race: `concurrencyPerReplica` workers claim the
 * machines `next` hands out until it has none left.
 */
export async function claimEach(
  coordinator: ClaimCoordinator,
  replica: number,
  next: () => Promise<string | undefined>,
  options: ClaimRaceOptions,
): Promise<RaceEntry[]> {
  const maxCalls = options.maxCallsPerMachine ?? 100;
  const entries: RaceEntry[] = [];

  async function worker() {
    for (let id = await next(); id !== undefined; id = await next()) {
      const started = performance.now();
      let calls = 0;
      let conflicts = 0;
      let attempts = 0;
      let result: ClaimResult;
      do {
        result = await coordinator.claim(id);
        calls++;
        conflicts += result.conflicts;
        attempts += result.attempts;
      } while (result.outcome === 'retry' && calls < maxCalls);
      entries.push({
        machineId: id,
        replica,
        result,
        calls,
        conflicts,
        attempts,
        latencyMs: performance.now() - started,
      });
    }
  }

  await Promise.all(
    Array.from({ length: options.concurrencyPerReplica }, () => worker()),
  );
  return entries;
}
