/* eslint-disable no-console */
/**
 * BMC chaos drill: a simulated fleet (real HTTP) enrolls, then one BMC in
 * ten starts failing in its own way (no answer, 5xx, dropped connections,
 * sessions that expire at every request, answers slower than any timeout)
 * while a machine request per host is provisioned through the replica's real
 * queue, reconcilers and Redfish client. The same fleet without faults runs
 * first, as the baseline.
 *
 * Checks: every healthy host is provisioned and not held back by the broken
 * ones (p95 within BESKAR7_CHAOS_MAX_RATIO, 3 by default, of the baseline's);
 * every broken host ends in Error and its machine Failed, with a readable
 * reason; no BMC password (plain or as basic auth) in those reasons or in any log
 * line. Prints the figures, the reasons grouped by fault, and a JSON line;
 * exits 1 when a check fails (the timing one only with
 * BESKAR7_DRILL_ENFORCE_TARGETS=1).
 *
 *   yarn drill:bmc-chaos            # short: 60 hosts, 6 broken (one per fault)
 *   yarn drill:bmc-chaos --long     # long: 200 hosts, 20 broken
 *   options: --hosts N --database postgres|sqlite
 */
import { ConfigReader } from '@backstage/config';
import { PROVISIONING_MODES } from '@beskar7/backstage-plugin-beskar7-common';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { Knex } from 'knex';
import { ConfigCredentialResolver } from '../../../../plugins/beskar7-backend/src/credentials/ConfigCredentialResolver';
import { HostStore } from '../../../../plugins/beskar7-backend/src/database/HostStore';
import { MachineStore } from '../../../../plugins/beskar7-backend/src/database/MachineStore';
import { applyDatabaseMigrations } from '../../../../plugins/beskar7-backend/src/database/migrations';
import { registerSimulatedFleet } from '../../../../plugins/beskar7-backend/src/inventory/registerSimulatedFleet';
import { createReplicaServices } from '../../../../plugins/beskar7-backend/src/replicaServices';
import {
  SimulatedHost,
  startSimulatedFleet,
} from '../../../../plugins/beskar7-backend/src/simulator';
import { readDrillArgs } from './form';
import { openScratchDatabase } from './scratchDatabase';
import { percentile, RecordingLogger, targetMissed } from './drillSupport';

const { values, long, form } = readDrillArgs({
  hosts: { type: 'string' },
  database: { type: 'string', default: 'postgres' },
});
const HOSTS = Number(values.hosts ?? (long ? 200 : 60));
const MAX_RATIO = Number(process.env.BESKAR7_CHAOS_MAX_RATIO ?? 3);
const POOL = 'chaos';

/** The ways a broken BMC misbehaves, one per broken host in turn. */
const FAULTS: Record<string, (sim: SimulatedHost) => void> = {
  'no answer': sim => sim.bmc.faults.set([{ kind: 'timeout' }]),
  'HTTP 500': sim => sim.bmc.faults.set([{ kind: 'status', status: 500 }]),
  'HTTP 503': sim => sim.bmc.faults.set([{ kind: 'status', status: 503 }]),
  'dropped connection': sim => sim.bmc.faults.set([{ kind: 'drop' }]),
  'session expires': sim => sim.bmc.faults.set([{ kind: 'expireSession' }]),
  'slow (20 s per answer)': sim => {
    sim.bmc.latencyMs = 20_000;
  },
};
const FAULT_NAMES = Object.keys(FAULTS);

function replicaConfig(fleet: SimulatedHost[]) {
  return {
    beskar7: {
      provisioning: {
        maxQueueSize: 10_000,
        workerCount: 10,
        maxConcurrentOps: 10,
        bmcCooldownPeriod: '0s',
        operationTimeout: '10s',
        pollInterval: '50ms',
        reconcileInterval: '250ms',
        stuckStateTimeout: '10m',
        retry: { maxRetries: 1, initialBackoff: '500ms', maxBackoff: '1s' },
      },
      credentials: Object.fromEntries(
        fleet.map(h => [
          `simulator-${h.name}`,
          {
            username: h.username,
            password: h.password,
            allowedAddresses: [h.url],
          },
        ]),
      ),
    },
  };
}

interface RunResult {
  seconds: number;
  /** Seconds from request to Provisioned, per machine on a healthy host. */
  healthySeconds: number[];
  hosts: Array<{
    name: string;
    state: string;
    errorMessage?: string;
    fault?: string;
    /** Seconds from the requests to the host's last change. */
    settledSeconds: number;
  }>;
  machines: Array<{ phase: string; hostName?: string; failureReason?: string }>;
  secrets: string[];
  logs: string[];
}

/** One run on a fresh database and fleet; `faulty` breaks one BMC in ten after enrollment. */
async function run(faulty: boolean): Promise<RunResult> {
  const db = await openScratchDatabase(
    values.database === 'sqlite' ? 'sqlite' : 'postgres',
    String(values['pg-url']),
  );
  const knex: Knex = db.knex;
  const fleet = await startSimulatedFleet({
    count: HOSTS,
    namePrefix: 'chaos',
    latencyMs: 5,
  });
  const logger = new RecordingLogger();
  const replica = createReplicaServices({
    knex,
    config: new ConfigReader(replicaConfig(fleet.hosts)),
    logger,
  });
  try {
    await applyDatabaseMigrations(knex);
    await registerSimulatedFleet(
      fleet,
      new HostStore(knex),
      new ConfigCredentialResolver(new ConfigReader({})),
      POOL,
    );
    await replica.start();
    await replica.reconcilers.start();
    const hosts = new HostStore(knex);
    const enrolling = Date.now();
    // Counts by state: what a timeout shows.
    await eventually(
      async () =>
        knex('beskar7_hosts')
          .select('state')
          .count<Array<{ state: string; n: number | string }>>({ n: '*' })
          .groupBy('state'),
      counts => counts.every(c => c.state === 'Available'),
      { what: 'every host to enroll', timeoutMs: 120_000, intervalMs: 200 },
    );

    console.log(
      `  ${HOSTS} hosts enrolled in ${((Date.now() - enrolling) / 1000).toFixed(
        1,
      )} s`,
    );
    // The same hosts break in every run; the baseline leaves them out of its
    // figures too, so that both compare the same healthy hosts.
    const breaking = fleet.hosts.filter((_, i) => i % 10 === 5);
    const breakingNames = new Set(breaking.map(sim => sim.name));
    const faultOf = new Map<string, string>();
    if (faulty) {
      breaking.forEach((sim, i) => {
        const name = FAULT_NAMES[i % FAULT_NAMES.length];
        FAULTS[name](sim);
        faultOf.set(sim.name, name);
      });
    }

    const started = Date.now();
    const machines = new MachineStore(knex);
    for (let i = 0; i < HOSTS; i++) {
      await machines.create({
        name: `chaos-${i}`,
        namespace: 'chaos',
        requirements: { pool: POOL },
        imageUrl: `https://images.example/os-${i}.iso`,
        configUrl: `https://config.example/m-${i}.yaml`,
        osFamily: 'flatcar',
        provisioningMode: PROVISIONING_MODES[i % PROVISIONING_MODES.length],
        bootMode: 'UEFI',
      });
    }
    await eventually(
      async () =>
        knex('beskar7_machines')
          .select('phase')
          .count<Array<{ phase: string; n: number | string }>>({ n: '*' })
          .groupBy('phase'),
      counts => counts.every(c => ['Provisioned', 'Failed'].includes(c.phase)),
      {
        what: 'every machine to be Provisioned or Failed',
        timeoutMs: started + 600_000 - Date.now(),
        intervalMs: 200,
      },
    );
    const seconds = (Date.now() - started) / 1000;

    const hostRows = await hosts.list();
    const hostName = new Map(hostRows.map(h => [h.id, h.name]));
    const machineRows = await machines.list();
    const healthySeconds = machineRows
      .filter(m => m.phase === 'Provisioned')
      .filter(m => !breakingNames.has(hostName.get(m.hostId ?? '') ?? ''))
      .map(
        m =>
          (new Date(m.updatedAt).getTime() - new Date(m.createdAt).getTime()) /
          1000,
      )
      .sort((a, b) => a - b);
    return {
      seconds,
      healthySeconds,
      hosts: hostRows.map(h => ({
        name: h.name,
        state: h.state,
        errorMessage: h.errorMessage,
        fault: faultOf.get(h.name),
        settledSeconds: (new Date(h.updatedAt).getTime() - started) / 1000,
      })),
      machines: machineRows.map(m => ({
        phase: m.phase,
        hostName: m.hostId ? hostName.get(m.hostId) : undefined,
        failureReason: m.failureReason,
      })),
      secrets: fleet.hosts.flatMap(h => [
        h.password,
        Buffer.from(`${h.username}:${h.password}`).toString('base64'),
      ]),
      logs: logger.lines,
    };
  } finally {
    const stopping = Date.now();
    await replica.stop();
    console.log(
      `  replica stopped in ${((Date.now() - stopping) / 1000).toFixed(1)} s`,
    );
    await fleet.stop();
    await db.close();
  }
}

/** What makes a reason unreadable: empty, a stack trace, an object dump, a wall of text. */
function unreadable(reason: string | undefined): string | undefined {
  if (!reason || reason.trim().length < 10) return 'empty or too short';
  if (/\n\s+at /.test(reason)) return 'holds a stack trace';
  if (reason.includes('[object Object]')) return 'holds [object Object]';
  if (reason.length > 500) return `${reason.length} characters long`;
  return undefined;
}

function figures(seconds: number[]) {
  return {
    p50: Number(percentile(seconds, 0.5).toFixed(2)),
    p95: Number(percentile(seconds, 0.95).toFixed(2)),
  };
}

async function main(): Promise<boolean> {
  console.log(
    `BMC chaos drill (${form}): ${HOSTS} hosts, ${values.database}; baseline run without faults`,
  );
  const began = Date.now();
  const baseline = await run(false);
  console.log(
    `baseline: ${baseline.seconds.toFixed(1)} s; chaos run with ${Math.floor(
      (HOSTS + 4) / 10,
    )} broken BMCs`,
  );
  const chaos = await run(true);
  console.log(`both runs: ${((Date.now() - began) / 1000).toFixed(1)} s`);
  const violations: string[] = [];

  for (const [label, result] of [
    ['baseline', baseline],
    ['chaos', chaos],
  ] as const) {
    for (const h of result.hosts.filter(x => !x.fault)) {
      if (h.state !== 'Provisioned') {
        violations.push(
          `${label}: healthy host ${h.name} ended ${h.state}: ${h.errorMessage}`,
        );
      }
    }
  }

  const byFault = new Map<string, string[]>();
  for (const h of chaos.hosts.filter(x => x.fault)) {
    const machine = chaos.machines.find(m => m.hostName === h.name);
    if (h.state !== 'Error') {
      violations.push(`broken host ${h.name} (${h.fault}) ended ${h.state}`);
    }
    if (machine?.phase !== 'Failed') {
      violations.push(
        `the machine on broken host ${h.name} ended ${machine?.phase}`,
      );
    }
    for (const [what, reason] of [
      ['host error', h.errorMessage],
      ['machine failure', machine?.failureReason],
    ]) {
      const problem = unreadable(reason);
      if (problem) violations.push(`${h.name} ${what} ${problem}: ${reason}`);
    }
    const reasons = byFault.get(h.fault!) ?? [];
    reasons.push(
      `${h.name} (Error after ${h.settledSeconds.toFixed(1)} s): ${
        h.errorMessage
      }`,
    );
    byFault.set(h.fault!, reasons);
  }

  const said = [
    ...chaos.hosts.map(h => h.errorMessage ?? ''),
    ...chaos.machines.map(m => m.failureReason ?? ''),
    ...chaos.logs,
    ...baseline.logs,
  ];
  const leaks = chaos.secrets
    .concat(baseline.secrets)
    .filter(secret => said.some(text => text.includes(secret)));
  if (leaks.length > 0) {
    violations.push(
      `${leaks.length} BMC passwords or basic-auth headers appear in reasons or logs`,
    );
  }

  const base = figures(baseline.healthySeconds);
  const withFaults = figures(chaos.healthySeconds);
  const ratio = {
    p50: Number((withFaults.p50 / base.p50).toFixed(2)),
    p95: Number((withFaults.p95 / base.p95).toFixed(2)),
  };
  if (!(ratio.p95 <= MAX_RATIO)) {
    violations.push(
      ...targetMissed(
        `healthy hosts held back: p95 ${withFaults.p95} s against ${base.p95} s without faults (ratio ${ratio.p95} > ${MAX_RATIO})`,
      ),
    );
  }

  console.log('Broken BMCs, by fault, with the reason the host shows:');
  for (const [fault, reasons] of byFault) {
    console.log(`  ${fault}:`);
    for (const r of reasons) console.log(`    ${r}`);
  }
  console.log(
    `healthy hosts' provisioning (request to Provisioned): baseline p50 ${base.p50} s p95 ${base.p95} s; with faults p50 ${withFaults.p50} s p95 ${withFaults.p95} s; ratio p50 ${ratio.p50} p95 ${ratio.p95}`,
  );
  for (const v of violations) console.log(`VIOLATION: ${v}`);
  console.log(
    JSON.stringify({
      drill: `bmc chaos (${form})`,
      database: values.database,
      hosts: HOSTS,
      broken: byFault.size && [...byFault.values()].flat().length,
      baselineSeconds: Number(baseline.seconds.toFixed(1)),
      chaosSeconds: Number(chaos.seconds.toFixed(1)),
      healthyBaseline: base,
      healthyWithFaults: withFaults,
      ratio,
      warningsLogged: chaos.logs.length,
      violations: violations.length,
    }),
  );
  return violations.length === 0;
}

main().then(
  ok => {
    process.exitCode = ok ? 0 : 1;
  },
  error => {
    console.error(error);
    process.exitCode = 1;
  },
);
