import { Host, Machine } from '@beskar7/backstage-plugin-beskar7-common';
import { Beskar7Api } from '../../api';

/** A host with the machine that holds it, for showing its namespace/name. */
export interface HostRow extends Host {
  consumer?: Machine;
}

/**
 * Looks up the machines holding these hosts (one request per distinct
 * consumer, in parallel); a machine that cannot be read shows by its id.
 */
export async function withConsumers(
  api: Beskar7Api,
  hosts: Host[],
): Promise<HostRow[]> {
  const ids = [
    ...new Set(hosts.flatMap(h => (h.consumerId ? [h.consumerId] : []))),
  ];
  const machines = await Promise.all(
    ids.map(id => api.getMachine(id).catch(() => undefined)),
  );
  const byId = new Map(machines.flatMap(m => (m ? [[m.id, m] as const] : [])));
  return hosts.map(h => ({
    ...h,
    consumer: h.consumerId ? byId.get(h.consumerId) : undefined,
  }));
}
