/* eslint-disable no-console */
/**
 * Database drill: three backend replicas work off machine requests while
 * PostgreSQL is stopped and started again under them (a private cluster, so
 * that nobody else's tests lose their database). The replicas must reconnect
 * and finish every request with the invariants intact (see
 * fleetInvariants.ts). Exits 1 when one is broken.
 *
 *   yarn drill:database            # short: 60 requests, one restart (fast shutdown, 3 s down)
 *   yarn drill:database --long     # long: 300 requests, three restarts, one of them a crash (immediate)
 *   options: --requests N --shared (terminate connections on --pg-url instead of a restart)
 */
import { performance } from 'node:perf_hooks';
import {
  DrillPostgres,
  sharedPostgres,
  startPrivatePostgres,
} from './drillPostgres';
import { runFleetDrill } from './fleetDrill';
import { positiveInteger, readDrillArgs } from './form';

const { values, long, form, pgUrl } = readDrillArgs({
  requests: { type: 'string' },
  shared: { type: 'boolean', default: false },
});
const requests = positiveInteger('requests', values.requests, long ? 300 : 60);
const outages = long
  ? [
      { downMs: 3_000, immediate: false },
      { downMs: 5_000, immediate: true },
      { downMs: 2_000, immediate: false },
    ]
  : [{ downMs: 3_000, immediate: false }];

async function main(): Promise<boolean> {
  let server: DrillPostgres;
  if (values.shared) {
    server = sharedPostgres(pgUrl);
  } else {
    try {
      server = await startPrivatePostgres();
    } catch (error) {
      console.log(`cannot run a private PostgreSQL cluster (${error})`);
      server = sharedPostgres(pgUrl);
    }
  }
  console.log(`outage: ${server.outage}`);
  try {
    return await runFleetDrill({
      name: `database restart (${form})`,
      serverUrl: server.url,
      requests,
      replicas: 3,
      mode: 'optimistic',
      timeoutMs: (long ? 15 : 3) * 60_000,
      async fault({ working, finished, databaseName, wait }) {
        let done = 0;
        let downSeconds = 0;
        let slowestRecoverySeconds = 0;
        for (const [i, outage] of outages.entries()) {
          // Spread the outages over the run, each with work in flight.
          const mark = Math.floor((requests * (i + 1)) / (outages.length + 2));
          while (working() && finished() < mark) await wait(200);
          if (!working()) break;
          const down = performance.now();
          await server.restart({ database: databaseName, ...outage });
          const up = performance.now();
          done += 1;
          downSeconds += (up - down) / 1000;
          const before = finished();
          while (working() && finished() === before) await wait(200);
          slowestRecoverySeconds = Math.max(
            slowestRecoverySeconds,
            (performance.now() - up) / 1000,
          );
        }
        return {
          outages: done,
          downSeconds: Number(downSeconds.toFixed(1)),
          slowestRecoverySeconds: Number(slowestRecoverySeconds.toFixed(1)),
        };
      },
    });
  } finally {
    await server.close();
  }
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
