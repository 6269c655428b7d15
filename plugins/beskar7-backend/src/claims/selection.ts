import { HostRequirements } from '@beskar7/backstage-plugin-beskar7-common';
import { rendezvousRank } from './rendezvous';
import {
  HostFacts,
  matchesRequirements,
} from '@beskar7/backstage-plugin-beskar7-common';

/** The identity both sides of a rendezvous hash use: stable across re-creation of the record. */
export function identityKey(ref: { namespace: string; name: string }): string {
  return `${ref.namespace}/${ref.name}`;
}

/** A host as selection sees it. */
export type SelectableHost = HostFacts & { namespace: string; name: string };

/**
 * The hosts a machine may claim, in the order it should try them: every
 * requirement matched, ranked by rendezvous weight of (machine, host).
 */
export function selectHosts<T extends SelectableHost>(
  machine: { namespace: string; name: string; requirements: HostRequirements },
  hosts: readonly T[],
): T[] {
  return rendezvousRank(
    identityKey(machine),
    hosts.filter(host => matchesRequirements(host, machine.requirements)),
    identityKey,
  );
}
