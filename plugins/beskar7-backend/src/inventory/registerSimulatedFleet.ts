import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import { ConfigCredentialResolver } from '../credentials/ConfigCredentialResolver';
import { HostStore } from '../database/HostStore';
import { SimulatedFleet } from '../simulator';

export const SIMULATOR_NAMESPACE = 'simulator';

/**
 * Registers each simulated BMC as a host (Enrolling, so that the host
 * reconciler reads its inventory like any real one). A host kept from an
 * earlier run gets the BMC's new address: the simulator's ports change at
 * every start.
 */
export async function registerSimulatedFleet(
  fleet: SimulatedFleet,
  hosts: HostStore,
  credentials: ConfigCredentialResolver,
  pool: string,
): Promise<Host[]> {
  const registered: Host[] = [];
  for (const sim of fleet.hosts) {
    const credentialsRef = `simulator-${sim.name}`;
    credentials.register(credentialsRef, {
      username: sim.username,
      password: sim.password,
    });
    const bmc = {
      address: sim.url,
      credentialsRef,
      insecureSkipVerify: false,
    };
    const existing = await hosts.getByName(SIMULATOR_NAMESPACE, sim.name);
    registered.push(
      existing
        ? await hosts.update(existing.id, existing.version, { bmc })
        : await hosts.create({
            name: sim.name,
            namespace: SIMULATOR_NAMESPACE,
            pool,
            labels: { 'beskar7.io/simulated': 'true', vendor: sim.vendor },
            tags: ['simulated'],
            bmc,
            state: 'Enrolling',
          }),
    );
  }
  return registered;
}
