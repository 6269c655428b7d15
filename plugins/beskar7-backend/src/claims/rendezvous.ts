/**
 * Rendezvous (highest random weight) hashing: each machine ranks hosts by a
 * weight derived from (machine identity, host identity) alone — no clock, no
 * replica — so a request always prefers the same hosts, two requests rarely
 * prefer the same one, and adding or removing a host only moves the
 * requests that ranked it first.
 */

/** FNV-1a, 32 bits, over the UTF-16 code units of a string. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The murmur3 finaliser: a bijection on 32 bits with full avalanche. */
function mix(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The weight of a host for a machine. For one machine, distinct host hashes
 * give distinct weights (mix is a bijection), so rankings have no ties
 * unless two host identities hash alike; ties then fall back to the identity.
 */
export function rendezvousWeight(machineKey: string, hostKey: string): number {
  return mix(fnv1a(machineKey) ^ mix(fnv1a(hostKey)));
}

/** The items in the machine's order of preference, best first. */
export function rendezvousRank<T>(
  machineKey: string,
  items: readonly T[],
  keyOf: (item: T) => string,
): T[] {
  const machineHash = fnv1a(machineKey);
  return items
    .map(item => {
      const key = keyOf(item);
      return { item, key, weight: mix(machineHash ^ mix(fnv1a(key))) };
    })
    .sort((a, b) => b.weight - a.weight || compareKeys(a.key, b.key))
    .map(entry => entry.item);
}

/** Breaks weight ties by key, so that the order never depends on input order. */
function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
