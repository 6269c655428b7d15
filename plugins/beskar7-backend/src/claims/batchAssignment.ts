import { Machine } from '@beskar7/backstage-plugin-beskar7-common';
import { ClaimCandidate } from '../database/HostStore';
import { selectHosts } from './selection';

export interface Assignment {
  machine: Machine;
  host: ClaimCandidate;
}

/** True when matching the machine's requirements needs host labels or tags. */
export function needsLabelsOrTags(machine: Machine): boolean {
  const { selector, tags } = machine.requirements;
  return Boolean(
    selector?.matchLabels || selector?.matchExpressions?.length || tags?.length,
  );
}

/**
 * Gives each machine, oldest request first, its best-ranked host not given
 * to an earlier machine of the batch. Pure; the leader writes the result.
 */
export function assignHosts(
  machines: Machine[],
  candidates: ClaimCandidate[],
): { assignments: Assignment[]; unserved: string[] } {
  const taken = new Set<string>();
  const assignments: Assignment[] = [];
  const unserved: string[] = [];
  for (const machine of machines) {
    const host = selectHosts(machine, candidates).find(h => !taken.has(h.id));
    if (host) {
      taken.add(host.id);
      assignments.push({ machine, host });
    } else {
      unserved.push(machine.id);
    }
  }
  return { assignments, unserved };
}
