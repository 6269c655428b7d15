import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import { HostChange } from './types';

/** How `host` differs from what was known of it, if at all. */
function changeOf(
  previous: Host | undefined,
  host: Host,
): HostChange | undefined {
  if (!previous) return { type: 'added', host };
  if (previous.version !== host.version) {
    return { type: 'changed', host, previous };
  }
  return undefined;
}

/** What changed from one full read of the host list to the next. */
export function diffHosts(
  before: Map<string, Host>,
  after: Map<string, Host>,
): HostChange[] {
  const changes: HostChange[] = [];
  for (const [id, host] of after) {
    const change = changeOf(before.get(id), host);
    if (change) changes.push(change);
  }
  for (const [id, host] of before) {
    if (!after.has(id)) changes.push({ type: 'removed', host });
  }
  return changes;
}

/**
 * The known hosts with a change feed's hosts applied. The feed re-reads a
 * window before its mark, so a host it lists unchanged is no change.
 */
export function applyUpdates(
  known: Map<string, Host>,
  updated: Host[],
): { hosts: Map<string, Host>; changes: HostChange[] } {
  const hosts = new Map(known);
  const changes: HostChange[] = [];
  for (const host of updated) {
    const change = changeOf(hosts.get(host.id), host);
    if (change) {
      changes.push(change);
      hosts.set(host.id, host);
    }
  }
  return { hosts, changes };
}

/** The latest `updatedAt` of the hosts, in milliseconds since the epoch. */
export function latestUpdate(hosts: Iterable<Host>, since = 0): number {
  let latest = since;
  for (const host of hosts) {
    latest = Math.max(latest, Date.parse(host.updatedAt));
  }
  return latest;
}
