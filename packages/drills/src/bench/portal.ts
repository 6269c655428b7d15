/* eslint-disable no-console */
/*
 * The portal in the browser at scale (`yarn bench:portal`): the scale
 * drill's inventory (100,000 hosts, 64,000 machines by default) in a kept
 * PostgreSQL database, the backend started on it serving the built
 * frontend, and Chromium (Playwright) loading the host list and the
 * overview N times each: cold (browser cache emptied), warm (full reload,
 * cache filled) and in-app (a click on the page's tab). Prints, per page
 * and way of loading, the median and p95 time from the navigation's start
 * to the page showing its data, and every API call the page made with its
 * start and duration, so that a slow page can be explained, and the CPU
 * time the page's main thread and the backend's processes spent on a load
 * (on a shared machine, wall time is mostly waiting for a core; CPU time
 * is the page's own cost). A benchmark:
 * it prints figures and fails only when a page does not load at all.
 *
 *   yarn bench:portal                      # 100,000 hosts, 10 loads per page and mode
 *   options: --hosts N --runs N --keep-database NAME (default beskar7_portal_bench)
 *            --pages hosts,overview --modes cold,warm,in-app --build --pg-url URL
 *            --settle-seconds N (default 600; 0 measures at once)
 *
 * Pages are loaded once the backend is idle (up to --settle-seconds): a
 * backend just started reads the whole fleet into the catalog, which a
 * portal that has been running did long ago. 0 measures during that read.
 *
 * The database is filled once (about a minute) and kept; `DROP DATABASE`
 * it when done. The frontend is built (`yarn workspace app build`) when
 * packages/app/dist is missing or with --build. Chromium: /usr/bin/chromium
 * or PLAYWRIGHT_CHROMIUM_EXECUTABLE.
 */
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyDatabaseMigrations } from '../../../../plugins/beskar7-backend/src/database/migrations';
import { JobStore } from '../../../../plugins/beskar7-backend/src/queue/JobStore';
import { percentile } from '../drills/drillSupport';
import { positiveInteger, readDrillArgs, usageError } from '../drills/form';
import {
  countScaleInventory,
  fillScaleInventory,
} from '../drills/scaleInventory';
import { openKeptDatabase } from '../drills/scratchDatabase';
import { REPO_ROOT, startPortalBackend, waitUntilIdle } from './portalBackend';
import {
  ApiCall,
  loadPage,
  LoadMode,
  PageLoad,
  PORTAL_PAGES,
  signInAsGuest,
} from './portalPages';

const { values, pgUrl } = readDrillArgs({
  hosts: { type: 'string' },
  runs: { type: 'string' },
  'keep-database': { type: 'string', default: 'beskar7_portal_bench' },
  pages: { type: 'string', default: PORTAL_PAGES.map(p => p.id).join(',') },
  modes: { type: 'string', default: 'cold,warm,in-app' },
  build: { type: 'boolean', default: false },
  'settle-seconds': { type: 'string' },
});
const HOSTS = positiveInteger('hosts', values.hosts, 100_000);
const RUNS = positiveInteger('runs', values.runs, 10);
const SETTLE_SECONDS =
  values['settle-seconds'] === '0'
    ? 0
    : positiveInteger('settle-seconds', values['settle-seconds'], 600);
const DATABASE = String(values['keep-database']);
const pages = String(values.pages)
  .split(',')
  .map(
    id => PORTAL_PAGES.find(p => p.id === id) ?? usageError(`no page ${id}`),
  );
const MODES: LoadMode[] = ['cold', 'warm', 'in-app'];
const modes = String(values.modes)
  .split(',')
  .map(m =>
    MODES.includes(m as LoadMode)
      ? (m as LoadMode)
      : usageError(`--modes: ${m} is not one of ${MODES.join(', ')}`),
  );
const CHROMIUM =
  process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE ?? '/usr/bin/chromium';

const round = (n: number) => Number(n.toFixed(1));
const median = (samples: number[]) =>
  round(
    percentile(
      [...samples].sort((a, b) => a - b),
      0.5,
    ),
  );
const load = () => loadavg().map(round).join(' ');

/** The kept database with the scale inventory, filled when empty; the queue paused. */
async function prepareDatabase() {
  const db = await openKeptDatabase(pgUrl, DATABASE);
  try {
    await applyDatabaseMigrations(db.knex);
    const existing = await countScaleInventory(db.knex);
    if (existing.hosts > 0) {
      console.log(
        `reusing ${DATABASE}: ${existing.hosts} hosts, ${existing.machines} machines`,
      );
      return existing;
    }
    console.log(`filling ${DATABASE} with ${HOSTS} hosts (once; kept)`);
    const filled = await fillScaleInventory(db.knex, HOSTS);
    await db.knex.raw('VACUUM ANALYZE');
    return filled;
  } finally {
    // Reads only: nothing of the fake fleet may reach a BMC.
    await new JobStore(db.knex).setSwitches({ paused: true });
    await db.close();
  }
}

/** What a path is, for grouping: ids are replaced by `:id`. */
const callKey = (call: string) =>
  call.replace(
    /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
    ':id',
  );

function callTable(loads: PageLoad[]) {
  const byCall = new Map<string, ApiCall[]>();
  for (const call of loads.flatMap(l => l.api)) {
    const key = callKey(call.call);
    byCall.set(key, [...(byCall.get(key) ?? []), call]);
  }
  return [...byCall].map(([call, calls]) => {
    const starts = calls.map(c => c.startMs).sort((a, b) => a - b);
    const durations = calls.map(c => c.durationMs).sort((a, b) => a - b);
    const statuses = [...new Set(calls.map(c => c.status))].join(' ');
    return {
      call: call.length > 90 ? `${call.slice(0, 87)}...` : call,
      perLoad: round(calls.length / loads.length),
      startP50Ms: round(percentile(starts, 0.5)),
      durationP50Ms: round(percentile(durations, 0.5)),
      durationP95Ms: round(percentile(durations, 0.95)),
      status: statuses,
    };
  });
}

async function main() {
  const loadBefore = load();
  const fleet = await prepareDatabase();
  if (values.build || !existsSync(join(REPO_ROOT, 'packages/app/dist'))) {
    console.log('building the frontend (yarn workspace app build)');
    execFileSync('yarn', ['workspace', 'app', 'build'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
  }
  const logFile = join(
    mkdtempSync(join(tmpdir(), 'beskar7-portal-')),
    'backend.log',
  );
  const backend = await startPortalBackend({
    pgUrl,
    database: DATABASE,
    logFile,
  });
  console.log(`backend on ${backend.url} (log: ${logFile})`);
  const settled =
    SETTLE_SECONDS > 0
      ? await waitUntilIdle(backend, { maxMs: SETTLE_SECONDS * 1000 })
      : undefined;
  if (settled) {
    console.log(
      `backend ${settled.idle ? 'idle' : 'still busy'} after ${round(
        settled.waitedMs / 1000,
      )} s, having used ${round(settled.cpuMs / 1000)} s of CPU meanwhile`,
    );
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  const summary: Array<Record<string, string | number>> = [];
  try {
    const page = await browser.newPage();
    await signInAsGuest(page, backend.url);
    for (const target of pages) {
      for (const mode of modes) {
        const loads: PageLoad[] = [];
        // One load first, not counted: the backend's and database's caches
        // warm up, and the first cold load would pay for it.
        await loadPage(page, backend.url, target, mode, backend.cpuMs);
        const loadAtStart = load();
        for (let i = 0; i < RUNS; i++) {
          loads.push(
            await loadPage(page, backend.url, target, mode, backend.cpuMs),
          );
        }
        const times = loads.map(l => l.ms).sort((a, b) => a - b);
        const row = {
          page: target.id,
          mode,
          runs: RUNS,
          p50Ms: round(percentile(times, 0.5)),
          p95Ms: round(percentile(times, 0.95)),
          minMs: round(times[0]),
          maxMs: round(times[times.length - 1]),
          browserCpuP50Ms: median(loads.map(l => l.browserCpuMs)),
          backendCpuP50Ms: median(loads.map(l => l.backendCpuMs)),
          apiCallsPerLoad: round(
            loads.reduce((n, l) => n + l.api.length, 0) / RUNS,
          ),
          assetsPerLoad: round(loads.reduce((n, l) => n + l.assets, 0) / RUNS),
          load: `${loadAtStart} -> ${load()}`,
        };
        summary.push(row);
        console.log(
          `\n${target.id} (${target.path}), ${mode}: p50 ${row.p50Ms} ms, p95 ${row.p95Ms} ms over ${RUNS} loads; API calls (start: from the navigation's start):`,
        );
        console.table(callTable(loads));
      }
    }
  } finally {
    await browser.close();
    await backend.stop();
  }
  console.log(
    `\nPortal at ${fleet.hosts} hosts, ${
      fleet.machines
    } machines (${DATABASE}); load average ${loadBefore} at start, ${load()} at the end (1, 5, 15 min)`,
  );
  console.table(summary);
  console.log(
    JSON.stringify({
      bench: 'portal',
      hosts: fleet.hosts,
      machines: fleet.machines,
      runs: RUNS,
      settledMs: settled?.waitedMs ?? 0,
      results: summary.map(
        ({ page, mode, p50Ms, p95Ms, browserCpuP50Ms, backendCpuP50Ms }) => ({
          page,
          mode,
          p50Ms,
          p95Ms,
          browserCpuP50Ms,
          backendCpuP50Ms,
        }),
      ),
      loadAverage: load(),
    }),
  );
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
