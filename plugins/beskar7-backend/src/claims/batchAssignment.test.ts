import { ClaimCandidate } from '../database/ClaimCandidateStore';
import { assignHosts, BATCH_WINDOW, BatchMachine } from './batchAssignment';
import { machinePoint } from './rendezvous';
import {
  compareOnRing,
  onRing,
  RING_WINDOW,
  ringChoice,
  ringDistance,
} from './ring';
import { identityKey } from './selection';

function fleet(size: number): ClaimCandidate[] {
  return Array.from({ length: size }, (_, i) =>
    onRing({
      id: `h${i}`,
      namespace: 'default',
      name: `host-${i}`,
      version: 1,
    }),
  );
}

function machines(count: number): BatchMachine[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `m${i}`,
    namespace: 'default',
    name: `machine-${i}`,
  }));
}

/** The machine's walk round the ring, as the leader's read returns it. */
function windowOf(machine: BatchMachine, hosts: ClaimCandidate[]) {
  const point = machinePoint(identityKey(machine));
  return [...hosts]
    .sort(
      (a, b) =>
        ringDistance(point, a.hash) - ringDistance(point, b.hash) ||
        compareOnRing(a, b),
    )
    .slice(0, BATCH_WINDOW);
}

function windows(batch: BatchMachine[], hosts: ClaimCandidate[]) {
  return new Map(batch.map(m => [m.id, windowOf(m, hosts)]));
}

describe('assignHosts', () => {
  it('gives each machine its choice among the hosts of its window that earlier machines left', () => {
    const hosts = fleet(200);
    const batch = machines(30);
    const { assignments, unserved, deferred } = assignHosts(
      batch,
      windows(batch, hosts),
    );
    expect(unserved).toEqual([]);
    expect(deferred).toEqual([]);
    const taken = new Set<string>();
    for (const [i, { machine, host }] of assignments.entries()) {
      expect(machine).toBe(batch[i]);
      const left = windowOf(machine, hosts).filter(h => !taken.has(h.id));
      expect(host).toBe(ringChoice(identityKey(machine), left));
      taken.add(host.id);
    }
    expect(taken.size).toBe(batch.length);
  });

  it('defers a machine once the batch took more of its full window than the room beyond its own', () => {
    // Every window is the whole fleet: each machine takes one of its hosts.
    const hosts = fleet(BATCH_WINDOW);
    const room = BATCH_WINDOW - RING_WINDOW;
    const batch = machines(room + 3);
    const { assignments, unserved, deferred } = assignHosts(
      batch,
      windows(batch, hosts),
    );
    expect(assignments.map(a => a.machine.id)).toEqual(
      batch.slice(0, room + 1).map(m => m.id),
    );
    expect(deferred).toEqual(batch.slice(room + 1).map(m => m.id));
    expect(unserved).toEqual([]);
  });

  it('serves a short window to its last host, defers the rest, and answers an empty one unserved', () => {
    // Fewer eligible hosts than a window: the read returned every one.
    const hosts = fleet(3);
    const batch = machines(4);
    const lonely = { id: 'm-none', namespace: 'default', name: 'nothing-fits' };
    const { assignments, unserved, deferred } = assignHosts(
      [...batch, lonely],
      new Map([...windows(batch, hosts), [lonely.id, []]]),
    );
    expect(new Set(assignments.map(a => a.host.id))).toEqual(
      new Set(hosts.map(h => h.id)),
    );
    // Its hosts may come back if a claim of the batch fails: read again.
    expect(deferred).toEqual(['m3']);
    expect(unserved).toEqual(['m-none']);
  });
});
