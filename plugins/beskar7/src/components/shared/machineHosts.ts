import { Host, Machine } from '@beskar7/backstage-plugin-beskar7-common';
import { Beskar7Api } from '../../api';

/** A machine with the host that serves it, for showing the host's name. */
export interface MachineRow extends Machine {
  host?: Host;
}

/**
 * Looks up the hosts these machines hold (one request per distinct host, in
 * parallel); a host that cannot be read shows by its id.
 */
export async function withHosts(
  api: Beskar7Api,
  machines: Machine[],
): Promise<MachineRow[]> {
  const ids = [...new Set(machines.flatMap(m => (m.hostId ? [m.hostId] : [])))];
  const hosts = await Promise.all(
    ids.map(id => api.getHost(id).catch(() => undefined)),
  );
  const byId = new Map(hosts.flatMap(h => (h ? [[h.id, h] as const] : [])));
  return machines.map(m => ({
    ...m,
    host: m.hostId ? byId.get(m.hostId) : undefined,
  }));
}
