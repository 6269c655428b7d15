/* eslint-disable no-console */
import { ConfigReader } from '@backstage/config';
import {
  ClaimCoordinationMode,
  PROVISIONING_MODES,
} from '@beskar7/backstage-plugin-beskar7-common';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { knex as createKnex, Knex } from 'knex';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigCredentialResolver } from '../../../../plugins/beskar7-backend/src/credentials/ConfigCredentialResolver';
import { HostStore } from '../../../../plugins/beskar7-backend/src/database/HostStore';
import { MACHINES_TABLE } from '../../../../plugins/beskar7-backend/src/database/machineRows';
import { MachineStore } from '../../../../plugins/beskar7-backend/src/database/MachineStore';
import { applyDatabaseMigrations } from '../../../../plugins/beskar7-backend/src/database/migrations';
import { registerSimulatedFleet } from '../../../../plugins/beskar7-backend/src/inventory/registerSimulatedFleet';
import {
  SimulatedFleet,
  startSimulatedFleet,
} from '../../../../plugins/beskar7-backend/src/simulator';
import { percentile } from './drillSupport';
import { checkFleetInvariants } from './fleetInvariants';
import { ReplicaSet } from './replicaSet';
import { createPostgresScratch } from './scratchDatabase';

/** Figures a fault adds to the drill's report. */
export type Figures = Record<string, number | string>;

export interface FaultContext {
  replicas: ReplicaSet;
  /** True until every request has ended or the drill timed out. */
  working(): boolean;
  /** Requests that have ended (Provisioned or Failed), as last polled. */
  finished(): number;
  /** The scratch database the replicas work in. */
  databaseName: string;
  /** Waits `ms`, or less when the work ends first. */
  wait(ms: number): Promise<void>;
}

export interface FleetDrillOptions {
  name: string;
  /** A PostgreSQL server; the drill works in a scratch database on it. */
  serverUrl: string;
  requests: number;
  replicas: number;
  mode: ClaimCoordinationMode;
  /** The drill fails when the requests have not all ended by then. */
  timeoutMs: number;
  /** Breaks things while the fleet works; resolves once `working()` is false. */
  fault(context: FaultContext): Promise<Figures>;
  /** How many BMC operations may run at once across the replicas. */
  maxConcurrentOps?: number;
}

/** Short leases so that a dead replica's jobs are taken over within seconds. */
function replicaConfig(
  fleet: SimulatedFleet,
  mode: ClaimCoordinationMode,
  maxConcurrentOps: number,
) {
  return {
    beskar7: {
      claims: { mode },
      provisioning: {
        maxQueueSize: 10_000,
        workerCount: 4,
        maxConcurrentOps,
        bmcCooldownPeriod: '200ms',
        operationTimeout: '60s',
        leaseDuration: '3s',
        pollInterval: '100ms',
        reconcileInterval: '1s',
        stuckStateTimeout: '5m',
        retry: { maxRetries: 8, initialBackoff: '200ms', maxBackoff: '2s' },
      },
      credentials: Object.fromEntries(
        fleet.hosts.map(h => [
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

/** Requests that ended; undefined while the database is down (a fault may restart it). */
async function finishedRequests(knex: Knex): Promise<number | undefined> {
  try {
    const [{ count }] = await knex(MACHINES_TABLE)
      .whereIn('phase', ['Provisioned', 'Failed'])
      .count({ count: '*' });
    return Number(count);
  } catch {
    return undefined;
  }
}

/**
 * A fleet of simulated BMCs (one per request), backend replicas as child
 * processes on one PostgreSQL database, `requests` machine requests of every
 * provisioning mode, and a fault running meanwhile. Prints the figures and
 * the broken invariants; resolves whether all of them held.
 */
export async function runFleetDrill(options: FleetDrillOptions) {
  const maxConcurrentOps = options.maxConcurrentOps ?? 12;
  const scratch = await createPostgresScratch(options.serverUrl);
  const knex = createKnex({
    client: 'pg',
    connection: scratch.url,
    pool: { min: 0, max: 4 },
  });
  let fleet: SimulatedFleet | undefined;
  let replicas: ReplicaSet | undefined;
  let keep = false;
  try {
    await applyDatabaseMigrations(knex);
    fleet = await startSimulatedFleet({
      count: options.requests,
      namePrefix: 'drill',
      powerDelayMs: 1_000,
      latencyMs: 20,
    });
    await registerSimulatedFleet(
      fleet,
      new HostStore(knex),
      new ConfigCredentialResolver(new ConfigReader({})),
      'drill',
    );
    replicas = new ReplicaSet({
      count: options.replicas,
      databaseUrl: scratch.url,
      config: replicaConfig(fleet, options.mode, maxConcurrentOps),
    });
    await replicas.startAll();

    const started = Date.now();
    const store = new MachineStore(knex);
    for (let i = 0; i < options.requests; i++) {
      await store.create({
        name: `drill-${i}`,
        namespace: 'drill',
        requirements: { pool: 'drill' },
        imageUrl: `https://images.example/os-${i}.iso`,
        configUrl: `https://config.example/m-${i}.yaml`,
        osFamily: 'flatcar',
        provisioningMode: PROVISIONING_MODES[i % PROVISIONING_MODES.length],
        bootMode: 'UEFI',
      });
    }
    let working = true;
    let finished = 0;
    const fault = options.fault({
      replicas,
      working: () => working,
      finished: () => finished,
      databaseName: scratch.name,
      async wait(ms) {
        const until = Date.now() + ms;
        while (working && Date.now() < until)
          await sleep(Math.min(200, until - Date.now()));
      },
    });
    // At the deadline the drill reports what it has: the invariants name
    // the requests that did not end.
    await eventually(
      async () => {
        finished = (await finishedRequests(knex)) ?? finished;
        return finished;
      },
      n => n >= options.requests,
      {
        what: 'every request to end',
        timeoutMs: started + options.timeoutMs - Date.now(),
        intervalMs: 500,
      },
    ).catch(() => {});
    working = false;
    const faultFigures = await fault;
    const seconds = (Date.now() - started) / 1000;
    await replicas.stopAll();

    const report = await checkFleetInvariants(knex, fleet, maxConcurrentOps);
    report.violations.push(...replicas.crashes);
    const provisionSeconds = report.machines
      .filter(m => m.phase === 'Provisioned')
      .map(
        m =>
          (new Date(m.updated_at).getTime() -
            new Date(m.created_at).getTime()) /
          1000,
      )
      .sort((a, b) => a - b);
    const figures: Figures = {
      drill: options.name,
      requests: options.requests,
      replicas: options.replicas,
      claimMode: options.mode,
      ...faultFigures,
      seconds: Number(seconds.toFixed(1)),
      provisioned: provisionSeconds.length,
      failed: report.machines.filter(m => m.phase === 'Failed').length,
      provisionP50s: Number(percentile(provisionSeconds, 0.5).toFixed(1)),
      provisionP95s: Number(percentile(provisionSeconds, 0.95).toFixed(1)),
      provisionMaxS: Number(percentile(provisionSeconds, 1).toFixed(1)),
      jobs: report.jobs,
      extraAttempts: report.extraAttempts,
      boots: report.boots,
      maxBmcOpsAtOnce: report.maxMutationsInFlight,
      maxConcurrentOps,
      replicaWarnings: replicas.warnings,
      violations: report.violations.length,
    };
    for (const m of report.machines.filter(x => x.phase === 'Failed'))
      console.log(`failed: ${m.name}: ${m.failure_reason}`);
    for (const v of report.violations) console.log(`VIOLATION: ${v}`);
    if (report.violations.length > 0) {
      keep = true;
      console.log(`scratch database kept for inspection: ${scratch.url}`);
      console.log('last replica log lines:');
      for (const line of replicas.recentLogs) console.log(`  ${line}`);
    }
    console.log(JSON.stringify(figures));
    return report.violations.length === 0;
  } finally {
    await replicas?.stopAll();
    await fleet?.stop();
    await knex.destroy();
    if (keep) await scratch.release();
    else await scratch.drop();
  }
}
