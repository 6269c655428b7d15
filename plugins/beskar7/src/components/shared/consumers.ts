import { Host, Machine } from '@beskar7/backstage-plugin-beskar7-common';
import { Beskar7Api } from '../../api';

/** A host with the machine that holds it, for showing its namespace/name. */
export interface HostRow extends Host {
  consumer?: Machine;
}

/**
 * Looks up the machines holding these hosts, in one request (a request per
 * machine made a page of 25 held hosts 25 requests, which the browser runs
 * 6 at a time); machines that cannot be read show by their ids.
 */
export async function withConsumers(
  api: Beskar7Api,
  hosts: Host[],
): Promise<HostRow[]> {
  const ids = [
    ...new Set(hosts.flatMap(h => (h.consumerId ? [h.consumerId] : []))),
  ];
  const machines =
    ids.length === 0
      ? []
      : await api
          .listMachines({ offset: 0, limit: ids.length, ids })
          .then(page => page.items)
          .catch(() => []);
  const byId = new Map(machines.map(m => [m.id, m] as const));
  return hosts.map(h => ({
    ...h,
    consumer: h.consumerId ? byId.get(h.consumerId) : undefined,
  }));
}
