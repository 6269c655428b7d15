import { randomBytes } from 'node:crypto';
import { SimulatedBmc } from './bmcServer';
import { ConcurrencyGauge } from './counters';
import { SimFault } from './faults';
import { generateTree } from './generateTree';
import { SIMULATED_VENDORS, SimulatedVendor } from './layouts';
import { SimOperation } from './operations';
import { ResourceTree } from './resourceTree';
import { generateSimulatorCertificate } from './tls';

export interface SimulatedFleetOptions {
  /** Number of BMCs; 12 by default. */
  count?: number;
  /** Vendor flavours, used in turn; all of them by default. */
  vendors?: SimulatedVendor[];
  /** Serve these trees (e.g. mockups in tests) instead of generated ones, one BMC each. */
  trees?: ResourceTree[];
  username?: string;
  /** A random password by default. */
  password?: string;
  https?: boolean;
  powerDelayMs?: number;
  latencyMs?: number;
  operationLatencyMs?: Partial<Record<SimOperation, number>>;
  faults?: SimFault[];
  sessionService?: boolean;
  /** Name prefix of the hosts; `sim` gives sim-00, sim-01, ... */
  namePrefix?: string;
  /** BMC i listens on port basePort + i; free ports by default. */
  basePort?: number;
  /** Booted hosts fetch what their kernel parameters point at (tests of RemoteConfig). */
  fetchBootConfig?: boolean;
}

/** Name and vendor of BMC `index`: the same in every process given the same options. */
export function simulatedHostIdentity(
  index: number,
  options: Pick<SimulatedFleetOptions, 'vendors' | 'namePrefix'> = {},
): { name: string; vendor: SimulatedVendor } {
  const vendors = options.vendors?.length ? options.vendors : SIMULATED_VENDORS;
  return {
    name: `${options.namePrefix ?? 'sim'}-${String(index).padStart(2, '0')}`,
    vendor: vendors[index % vendors.length],
  };
}

export interface SimulatedHost {
  name: string;
  vendor: SimulatedVendor | 'tree';
  /** BMC address to register for the host. */
  url: string;
  username: string;
  password: string;
  bmc: SimulatedBmc;
}

export interface SimulatedFleet {
  hosts: SimulatedHost[];
  /** PEM to verify the BMCs' certificate with, when serving HTTPS. */
  ca?: string;
  /** In-flight requests across the whole fleet. */
  gauge: ConcurrencyGauge;
  stop(): Promise<void>;
}

/** Starts simulated BMCs, each on its own port of 127.0.0.1. */
export async function startSimulatedFleet(
  options: SimulatedFleetOptions = {},
): Promise<SimulatedFleet> {
  const username = options.username ?? 'admin';
  const password = options.password ?? randomBytes(12).toString('base64url');
  const tls = options.https ? await generateSimulatorCertificate() : undefined;
  const gauge = new ConcurrencyGauge();
  const count = options.trees?.length ?? options.count ?? 12;

  const hosts: SimulatedHost[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const identity = simulatedHostIdentity(i, options);
      const vendor = options.trees ? 'tree' : identity.vendor;
      const tree = options.trees
        ? options.trees[i]
        : generateTree(identity.vendor, i);
      const bmc = await SimulatedBmc.start({
        tree,
        credentials: { username, password },
        powerDelayMs: options.powerDelayMs,
        latencyMs: options.latencyMs,
        operationLatencyMs: options.operationLatencyMs,
        faults: options.faults,
        sessionService: options.sessionService,
        fetchBootConfig: options.fetchBootConfig,
        tls: tls && { key: tls.key, cert: tls.cert },
        fleetGauge: gauge,
        port: options.basePort === undefined ? undefined : options.basePort + i,
      });
      hosts.push({
        name: identity.name,
        vendor,
        url: bmc.url,
        username,
        password,
        bmc,
      });
    }
  } catch (e) {
    await Promise.all(hosts.map(h => h.bmc.stop()));
    throw e;
  }
  return {
    hosts,
    ca: tls?.ca,
    gauge,
    stop: async () => {
      await Promise.all(hosts.map(h => h.bmc.stop()));
    },
  };
}
