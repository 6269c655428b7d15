import {
  HostFacts,
  HostRequirements,
  matchesRequirements,
  ProvisioningNeeds,
} from '@beskar7/backstage-plugin-beskar7-common';
import { RingHost, ringRank } from './ring';

/** The identity both sides of the claim hashes use: stable across re-creation of the record. */
export function identityKey(ref: { namespace: string; name: string }): string {
  return `${ref.namespace}/${ref.name}`;
}

/** A host as selection sees it: its facts and its place on the claim ring. */
export type SelectableHost = HostFacts & RingHost;

/**
 * The hosts a machine may claim, in the order it should try them: every
 * requirement matched and its needs met, in the machine's ring order
 * (ring.ts).
 */
export function selectHosts<T extends SelectableHost>(
  machine: ProvisioningNeeds & {
    namespace: string;
    name: string;
    requirements: HostRequirements;
  },
  hosts: readonly T[],
): T[] {
  return ringRank(
    identityKey(machine),
    hosts.filter(host =>
      matchesRequirements(host, machine.requirements, machine),
    ),
  );
}
