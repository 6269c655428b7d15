/*
 * Starts a simulated BMC fleet on 127.0.0.1 and keeps it running until
 * interrupted. Usage (from the repository root):
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     plugins/beskar7-backend/bin/simulator.ts [--count 12] [--vendors dell,hpe]
 *     [--https] [--power-delay-ms 2000] [--latency-ms 0] [--out fleet.json]
 *     [--base-port 18600]
 *
 * With --base-port, BMC i listens on base-port + i: replicas configured with
 * beskar7.simulator.{external: true, basePort, password} share this fleet.
 * The password comes from BESKAR7_SIM_PASSWORD or is generated. `--out`
 * writes a manifest (hosts, credentials, CA) readable only by the owner, for
 * scripts that register the hosts; stdout never shows the password.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  SIMULATED_VENDORS,
  SimulatedVendor,
  startSimulatedFleet,
} from '../src/simulator';

async function main() {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '12' },
      vendors: { type: 'string' },
      https: { type: 'boolean', default: false },
      'power-delay-ms': { type: 'string', default: '2000' },
      'latency-ms': { type: 'string', default: '0' },
      out: { type: 'string' },
      'base-port': { type: 'string' },
    },
  });
  const vendors = values.vendors?.split(',').map(v => v.trim()) ?? [];
  const unknown = vendors.filter(
    v => !(SIMULATED_VENDORS as readonly string[]).includes(v),
  );
  if (unknown.length) {
    throw new Error(
      `Unknown vendors ${unknown.join(', ')}; known: ${SIMULATED_VENDORS.join(
        ', ',
      )}`,
    );
  }
  const fleet = await startSimulatedFleet({
    count: Number(values.count),
    vendors: vendors as SimulatedVendor[],
    https: values.https,
    powerDelayMs: Number(values['power-delay-ms']),
    latencyMs: Number(values['latency-ms']),
    password: process.env.BESKAR7_SIM_PASSWORD || undefined,
    basePort: values['base-port'] ? Number(values['base-port']) : undefined,
  });
  if (values.out) {
    const manifest = {
      ca: fleet.ca,
      hosts: fleet.hosts.map(({ name, vendor, url, username, password }) => ({
        name,
        vendor,
        url,
        username,
        password,
      })),
    };
    writeFileSync(values.out, `${JSON.stringify(manifest, null, 2)}\n`, {
      mode: 0o600,
    });
  }
  for (const host of fleet.hosts) {
    process.stdout.write(`${host.name}\t${host.vendor}\t${host.url}\n`);
  }
  process.stdout.write(
    `${fleet.hosts.length} simulated BMCs up; Ctrl-C stops them.\n`,
  );
  const stop = () => {
    fleet.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(error => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
