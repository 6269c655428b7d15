/**
 * The hashes claims are ranked with. Every value derives from identities
 * alone (`namespace/name` of machine and host) — no clock, no replica — so a
 * request always prefers the same hosts of the same fleet.
 */

/** FNV-1a, 32 bits, over the UTF-16 code units of a string. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The murmur3 finaliser: a bijection on 32 bits with full avalanche. */
export function mix(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A host's hash, stored with the host (`beskar7_hosts.rendezvous_hash`): its
 * place on the claim ring, and its input to the rendezvous weight.
 */
export function hostHash(hostKey: string): number {
  return mix(fnv1a(hostKey));
}

/** Where a machine's walk round the claim ring starts. */
export function machinePoint(machineKey: string): number {
  return mix(fnv1a(machineKey));
}

/**
 * The rendezvous weight of a host (given by its stored hash) for a machine.
 * For one machine, distinct host hashes give distinct weights (mix is a
 * bijection), so there are ties only between hosts whose identities hash
 * alike; those fall back to the identity.
 */
export function rendezvousWeight(
  machineKey: string,
  hostHashValue: number,
): number {
  return mix((fnv1a(machineKey) ^ hostHashValue) >>> 0);
}
