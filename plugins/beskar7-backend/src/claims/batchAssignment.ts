import { ClaimCandidate } from '../database/ClaimCandidateStore';
import { RING_WINDOW, ringChoice } from './ring';
import { identityKey } from './selection';

/** A machine as a batch assigns it: its id and its identity on the ring. */
export interface BatchMachine {
  id: string;
  namespace: string;
  name: string;
}

export interface Assignment {
  machine: BatchMachine;
  host: ClaimCandidate;
}

/**
 * The hosts the leader reads per machine of a batch: its window and as
 * many again, room for the hosts earlier machines of the batch take.
 */
export const BATCH_WINDOW = 2 * RING_WINDOW;

/**
 * Gives each machine, oldest request first, its choice (ring.ts) among the
 * hosts of its window not given to an earlier machine of the batch. Pure;
 * the leader writes the result. `unserved`: no host is eligible at all.
 * `deferred`: earlier machines took so much of a full window that the
 * choice may lie beyond it; the next batch reads again.
 */
export function assignHosts(
  machines: BatchMachine[],
  windows: Map<string, ClaimCandidate[]>,
  windowSize = BATCH_WINDOW,
): { assignments: Assignment[]; unserved: string[]; deferred: string[] } {
  const taken = new Set<string>();
  const assignments: Assignment[] = [];
  const unserved: string[] = [];
  const deferred: string[] = [];
  for (const machine of machines) {
    const window = windows.get(machine.id) ?? [];
    const left = window.filter(h => !taken.has(h.id));
    const host =
      window.length < windowSize || left.length >= RING_WINDOW
        ? ringChoice(identityKey(machine), left)
        : undefined;
    if (host) {
      taken.add(host.id);
      assignments.push({ machine, host });
    } else if (window.length === 0) {
      unserved.push(machine.id);
    } else {
      deferred.push(machine.id);
    }
  }
  return { assignments, unserved, deferred };
}
