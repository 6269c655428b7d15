import { ConflictError } from '@backstage/errors';
import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import { ConfigCredentialResolver } from '../credentials/ConfigCredentialResolver';
import { HostStore } from '../database/HostStore';
import { SimulatedHost } from '../simulator';

export const SIMULATOR_NAMESPACE = 'simulator';

/** What registering a simulated BMC needs: not the server itself, which may run in another process. */
export type SimulatedHostEntry = Pick<
  SimulatedHost,
  'name' | 'vendor' | 'url' | 'username' | 'password'
>;

/**
 * Registers each simulated BMC as a host (Enrolling, so that the host
 * reconciler reads its inventory like any real one), with a login usable at
 * that BMC's origin alone. Safe for replicas doing it at once: a host is
 * created once and the others find it; a host kept from an earlier run gets
 * the BMC's address of this run.
 */
export async function registerSimulatedFleet(
  fleet: { hosts: SimulatedHostEntry[] },
  hosts: HostStore,
  credentials: ConfigCredentialResolver,
  pool: string,
): Promise<Host[]> {
  const registered: Host[] = [];
  for (const sim of fleet.hosts) {
    const credentialsRef = `simulator-${sim.name}`;
    const origin = new URL(sim.url).origin;
    credentials.register(
      credentialsRef,
      { username: sim.username, password: sim.password },
      [origin],
    );
    const bmc = {
      address: sim.url,
      credentialsRef,
      insecureSkipVerify: false,
      allowPlainHttp: origin.startsWith('http:'),
    };
    const { host, created } = await hosts.createIfAbsent({
      name: sim.name,
      namespace: SIMULATOR_NAMESPACE,
      pool,
      labels: { 'beskar7.io/simulated': 'true', vendor: sim.vendor },
      tags: ['simulated'],
      bmc,
      state: 'Enrolling',
    });
    registered.push(created ? host : await pointAt(hosts, host, bmc));
  }
  return registered;
}

/** Gives a kept host this run's BMC address; another replica writing the same is no failure. */
async function pointAt(
  hosts: HostStore,
  host: Host,
  bmc: Host['bmc'],
): Promise<Host> {
  let current = host;
  for (let attempt = 0; ; attempt++) {
    const same =
      current.bmc.address === bmc.address &&
      current.bmc.credentialsRef === bmc.credentialsRef &&
      current.bmc.allowPlainHttp === bmc.allowPlainHttp;
    if (same) return current;
    try {
      return await hosts.update(current.id, current.version, { bmc });
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= 5) throw error;
      current = (await hosts.get(current.id)) ?? current;
    }
  }
}
