import { Config } from '@backstage/config';
import { simulatedHostIdentity, startSimulatedFleet } from '../simulator';
import { SimulatedHostEntry } from './registerSimulatedFleet';

/**
 * The simulated fleet `beskar7.simulator` describes. By default this process
 * serves it on free ports with a login of its own. With `basePort` and
 * `password`, BMC i is at 127.0.0.1:basePort+i with that login on every
 * replica; with `external` too, another process serves it (`yarn simulator
 * --base-port`), and every replica only registers it: all of them reach the
 * same BMCs with the same login.
 */
export async function simulatedFleetFromConfig(
  config: Config,
): Promise<{ hosts: SimulatedHostEntry[]; stop?: () => Promise<void> }> {
  const count = config.getOptionalNumber('beskar7.simulator.hosts') ?? 12;
  const basePort = config.getOptionalNumber('beskar7.simulator.basePort');
  const password = config.getOptionalString('beskar7.simulator.password');
  if (!config.getOptionalBoolean('beskar7.simulator.external')) {
    const fleet = await startSimulatedFleet({ count, basePort, password });
    return { hosts: fleet.hosts, stop: () => fleet.stop() };
  }
  if (basePort === undefined || password === undefined) {
    throw new Error(
      'beskar7.simulator.external needs beskar7.simulator.basePort and beskar7.simulator.password: where the shared fleet listens and its login',
    );
  }
  return {
    hosts: Array.from({ length: count }, (_, i) => ({
      ...simulatedHostIdentity(i),
      url: `http://127.0.0.1:${basePort + i}`,
      username: 'admin',
      password,
    })),
  };
}
