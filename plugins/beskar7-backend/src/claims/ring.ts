import { hostHash, machinePoint, rendezvousWeight } from './rendezvous';

/**
 * How a machine chooses among eligible hosts, so that the database can do
 * it by reading a few index entries whatever the size of the fleet:
 *
 * every host sits on a ring of 2^32 points at its stored hash; a machine's
 * walk starts at its own point and goes clockwise (wrapping past 2^32 - 1 to
 * 0), and the machine takes, of the first RING_WINDOW eligible hosts it
 * meets, the one of highest rendezvous weight. The walk is an index range
 * scan (`hash >= point ORDER BY hash LIMIT k`, then from 0), so a claim
 * reads O(log n + k / share of eligible hosts) rows. Choosing by weight
 * within the window (rather than the first host met) evens out the uneven
 * arcs a plain hash ring gives: the chance of a host being a machine's
 * choice is the mean of k arcs rather than one, so first choices spread
 * almost as independent picks would, and concurrent claims rarely want the
 * same host.
 */
export const RING_WINDOW = 8;

/** A host on the ring: its identity and stored hash. */
export interface RingHost {
  namespace: string;
  name: string;
  /** `hostHash('namespace/name')`, as stored. */
  hash: number;
}

/** The ring's order: hash, then identity (hashes of distinct identities may collide). */
export function compareOnRing(a: RingHost, b: RingHost): number {
  return (
    a.hash - b.hash ||
    compareText(a.namespace, b.namespace) ||
    compareText(a.name, b.name)
  );
}

/** Clockwise distance from the point to the host's hash. */
export function ringDistance(point: number, hash: number): number {
  return hash >= point ? hash - point : hash + 2 ** 32 - point;
}

/**
 * The machine's preference over the hosts (all assumed eligible), best
 * first: its choice among them, then its choice among the rest, and so on.
 * The first host is what a claim takes; the next is what it takes when the
 * first is gone, which is what leader batches and tests rely on.
 */
export function ringRank<T extends RingHost>(
  machineKey: string,
  hosts: readonly T[],
  window = RING_WINDOW,
): T[] {
  const point = machinePoint(machineKey);
  const clockwise = [...hosts].sort(
    (a, b) =>
      ringDistance(point, a.hash) - ringDistance(point, b.hash) ||
      compareOnRing(a, b),
  );
  const weigh = (host: T) => ({
    host,
    weight: rendezvousWeight(machineKey, host.hash),
  });
  // The window slides: each host taken lets the next one clockwise in.
  const open = clockwise.slice(0, window).map(weigh);
  let next = open.length;
  const order: T[] = [];
  while (open.length > 0) {
    const best = heaviest(open);
    order.push(open[best].host);
    open.splice(best, 1);
    if (next < clockwise.length) open.push(weigh(clockwise[next++]));
  }
  return order;
}

/** The machine's choice: the first of ringRank, without ranking the rest. */
export function ringChoice<T extends RingHost>(
  machineKey: string,
  hosts: readonly T[],
  window = RING_WINDOW,
): T | undefined {
  const point = machinePoint(machineKey);
  // The `window` nearest clockwise, kept sorted by distance.
  const nearest: Array<{ host: T; distance: number }> = [];
  for (const host of hosts) {
    const distance = ringDistance(point, host.hash);
    const entry = { host, distance };
    let i = nearest.length;
    while (i > 0 && closer(entry, nearest[i - 1])) i--;
    if (i < window) {
      nearest.splice(i, 0, entry);
      if (nearest.length > window) nearest.pop();
    }
  }
  const weighed = nearest.map(({ host }) => ({
    host,
    weight: rendezvousWeight(machineKey, host.hash),
  }));
  return weighed.length ? weighed[heaviest(weighed)].host : undefined;
}

/** Places an identity on the ring, as the database stores it. */
export function onRing<T extends { namespace: string; name: string }>(
  host: T,
): T & RingHost {
  return { ...host, hash: hostHash(`${host.namespace}/${host.name}`) };
}

/** The index of the entry of highest weight (ties: the first on the ring). */
function heaviest(entries: Array<{ host: RingHost; weight: number }>): number {
  let best = 0;
  for (let i = 1; i < entries.length; i++) {
    const a = entries[i];
    const b = entries[best];
    if (
      a.weight > b.weight ||
      (a.weight === b.weight && compareOnRing(a.host, b.host) < 0)
    ) {
      best = i;
    }
  }
  return best;
}

function closer(
  a: { host: RingHost; distance: number },
  b: { host: RingHost; distance: number },
): boolean {
  return (
    a.distance < b.distance ||
    (a.distance === b.distance && compareOnRing(a.host, b.host) < 0)
  );
}

/**
 * Identity order, for hosts whose hashes collide (rare: 32 bits); the
 * databases order those by their collation, which may differ from this for
 * some scripts, so only the hash order is checked against them.
 */
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
