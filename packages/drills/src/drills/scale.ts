/* eslint-disable no-console */
/**
 * Scale run: an inventory of 10,000 hosts (with their machines, events and
 * jobs) in a scratch database, the plugin started on it, and the operator's
 * read routes measured over real HTTP through its router: host lists with
 * filters, sorts and pages, the pool summary and the diagnostics report.
 * Prints p50/p95 per route and the process's memory; exits 1 when a route
 * answers anything but 200, or, with BESKAR7_DRILL_ENFORCE_TARGETS=1, when
 * its p95 is over the target (100 ms; BESKAR7_SCALE_TARGET_MS).
 *
 *   yarn drill:scale              # short: PostgreSQL and SQLite, 10,000 hosts, 60 requests per route
 *   yarn drill:scale --long       # long: 300 requests per route
 *   options: --hosts N --database postgres|sqlite|both --requests N
 *            --keep-database NAME   (PostgreSQL: fill NAME once and keep it;
 *                                    later runs migrate and reuse it; an
 *                                    empty one, e.g. after an interrupted
 *                                    fill, is filled)
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { applyDatabaseMigrations } from '../../../../plugins/beskar7-backend/src/database/migrations';
import { beskar7Plugin } from '../../../../plugins/beskar7-backend/src/plugin';
import { percentile, targetMissed } from './drillSupport';
import { readDrillArgs } from './form';
import { countScaleInventory, fillScaleInventory } from './scaleInventory';
import { openKeptDatabase, openScratchDatabase } from './scratchDatabase';

const { values, long, form } = readDrillArgs({
  hosts: { type: 'string', default: '10000' },
  database: { type: 'string', default: 'both' },
  requests: { type: 'string' },
  'keep-database': { type: 'string' },
});
const HOSTS = Number(values.hosts);
const REQUESTS = Number(values.requests ?? (long ? 300 : 60));
const TARGET_MS = Number(process.env.BESKAR7_SCALE_TARGET_MS ?? 100);

/**
 * The reads an operator's pages make, from the first page to the far end of
 * the list, and a host watch's poll (`subscribeToHostChanges` in -node): the
 * hosts written since a minute before the latest write, and their number.
 */
const routes = (hosts: number, latestWrite: Date): Array<[string, string]> => [
  ['hosts: first page', '/hosts'],
  ['hosts: page 100 of 200', '/hosts?offset=4950&limit=50'],
  ['hosts: last page, 500', `/hosts?offset=${hosts - 500}&limit=500`],
  ['hosts: state', '/hosts?state=Available&limit=100'],
  ['hosts: states, pool', '/hosts?state=Available&state=Error&pool=pool-07'],
  ['hosts: by updatedAt desc', '/hosts?orderBy=updatedAt&order=desc'],
  ['hosts: by manufacturer', '/hosts?orderBy=manufacturer&offset=2000'],
  ['hosts: by state desc', '/hosts?orderBy=state&order=desc&offset=500'],
  ['hosts: tag', '/hosts?tag=gpu'],
  ['hosts: label', '/hosts?label=rack=r12'],
  ['hosts: tag, label, pool', '/hosts?tag=nvme&label=zone=zone-1&pool=pool-03'],
  ['hosts: vendor', '/hosts?vendor=lenovo'],
  ['hosts: text', '/hosts?text=node-0999'],
  ['hosts: text, no match', '/hosts?text=no-such-host'],
  [
    'watch: written since',
    `/hosts?updatedSince=${encodeURIComponent(
      new Date(latestWrite.getTime() - 60_000).toISOString(),
    )}&orderBy=updatedAt&order=asc&limit=500`,
  ],
  ['watch: number of hosts', '/hosts?limit=1'],
  ['pools', '/pools'],
  ['diagnostics', '/diagnostics'],
];

/** Reads every host, 500 at a time, as a watch did each poll before it had a change feed. */
async function readWholeFleet(
  base: string,
  headers: Record<string, string>,
): Promise<number> {
  const started = performance.now();
  for (let offset = 0; ; offset += 500) {
    const res = await fetch(
      `${base}/hosts?offset=${offset}&limit=500&orderBy=name`,
      { headers },
    );
    const page = await res.json();
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    if (offset + 500 >= page.totalCount) break;
  }
  return performance.now() - started;
}

function mib(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}

function memory() {
  const m = process.memoryUsage();
  return { rssMiB: mib(m.rss), heapUsedMiB: mib(m.heapUsed) };
}

async function measure(database: 'postgres' | 'sqlite') {
  const kept = values['keep-database'];
  const db =
    kept && database === 'postgres'
      ? await openKeptDatabase(String(values['pg-url']), String(kept))
      : await openScratchDatabase(database, String(values['pg-url']));
  try {
    await applyDatabaseMigrations(db.knex);
    const filling = performance.now();
    // The fill is one transaction: a kept database with hosts is a whole one.
    const existing = db.reused ? await countScaleInventory(db.knex) : undefined;
    const reused = existing !== undefined && existing.hosts > 0;
    const filled = reused ? existing : await fillScaleInventory(db.knex, HOSTS);
    const fillSeconds = (performance.now() - filling) / 1000;
    // A months-old inventory has been vacuumed and analysed by autovacuum long since.
    await db.knex.raw(database === 'postgres' ? 'VACUUM ANALYZE' : 'ANALYZE');
    const before = memory();
    const backend = await startTestBackend({
      features: [
        beskar7Plugin,
        mockServices.database.factory({ knex: db.knex }),
        mockServices.rootConfig.factory({
          data: { beskar7: { provisioning: { profile: 'production' } } },
        }),
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}/api/beskar7`;
    const headers = { authorization: mockCredentials.user.header() };
    // Reads only: nothing of the fake fleet may reach a BMC.
    await fetch(`${base}/queue/pause`, { method: 'POST', headers });

    const results: Array<Record<string, string | number>> = [];
    const failures: string[] = [];
    const [{ latest }] = await db.knex('beskar7_hosts').max({
      latest: 'updated_at',
    });
    for (const [label, path] of routes(filled.hosts, new Date(latest))) {
      const times: number[] = [];
      let items: number | undefined;
      for (let i = 0; i < REQUESTS + 5; i++) {
        const started = performance.now();
        const res = await fetch(`${base}${path}`, { headers });
        const body = await res.json();
        const ms = performance.now() - started;
        if (res.status !== 200) {
          failures.push(`${label}: HTTP ${res.status} ${JSON.stringify(body)}`);
          break;
        }
        items = body.totalCount ?? body.items?.length ?? body.checks?.length;
        // The first five warm the connection and the database's caches.
        if (i >= 5) times.push(ms);
      }
      times.sort((a, b) => a - b);
      const row = {
        route: label,
        path,
        matches: items ?? 0,
        p50Ms: Number(percentile(times, 0.5).toFixed(1)),
        p95Ms: Number(percentile(times, 0.95).toFixed(1)),
      };
      results.push(row);
      if (!(row.p95Ms <= TARGET_MS)) {
        failures.push(
          ...targetMissed(`${label}: p95 ${row.p95Ms} ms > ${TARGET_MS} ms`),
        );
      }
    }
    const fullReads: number[] = [];
    for (let i = 0; i < 3; i++) {
      fullReads.push(await readWholeFleet(base, headers));
    }
    const after = memory();
    await backend.stop();
    return {
      database,
      reused,
      filled,
      fillSeconds,
      before,
      after,
      results,
      fullReadMs: Math.min(...fullReads),
      failures,
    };
  } finally {
    await db.close();
  }
}

async function main(): Promise<boolean> {
  const databases: Array<'postgres' | 'sqlite'> =
    values.database === 'both'
      ? ['postgres', 'sqlite']
      : [values.database as 'postgres' | 'sqlite'];
  let ok = true;
  for (const database of databases) {
    const run = await measure(database);
    console.log(
      `\nScale run (${form}) on ${database}: ${run.filled.hosts} hosts, ${
        run.filled.machines
      } machines, ${
        run.reused ? 'reused' : 'filled'
      } in ${run.fillSeconds.toFixed(
        1,
      )} s; ${REQUESTS} requests per route, one at a time`,
    );
    console.table(run.results);
    console.log(
      `a watch's poll before the change feed, every host in pages of 500: ${run.fullReadMs.toFixed(
        0,
      )} ms (best of 3)`,
    );
    console.log(
      `memory: rss ${run.before.rssMiB} MiB -> ${run.after.rssMiB} MiB, heap used ${run.before.heapUsedMiB} MiB -> ${run.after.heapUsedMiB} MiB (before the backend started -> after the requests)`,
    );
    for (const f of run.failures) console.log(`VIOLATION: ${f}`);
    console.log(
      JSON.stringify({
        drill: `scale (${form})`,
        database,
        hosts: run.filled.hosts,
        requestsPerRoute: REQUESTS,
        worstP95Ms: Math.max(...run.results.map(r => Number(r.p95Ms))),
        rssMiB: run.after.rssMiB,
        heapUsedMiB: run.after.heapUsedMiB,
        violations: run.failures.length,
      }),
    );
    ok = ok && run.failures.length === 0;
  }
  return ok;
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
