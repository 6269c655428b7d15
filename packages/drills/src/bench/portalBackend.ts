import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../freePort';

/** The repository's root, from this file's place in it. */
export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

/**
 * The backend's configuration for a read-only look at a kept fleet: the
 * Beskar7 plugin on the PostgreSQL database `database` (every other plugin
 * on its in-memory SQLite default, so nothing else lands on the shared
 * server), no simulator, and the lifecycle's timers long enough that it
 * does not start rewriting the fleet while pages are measured.
 */
export function portalBackendEnv(
  pgUrl: string,
  database: string,
  port: number,
): Record<string, string> {
  const pg = new URL(pgUrl);
  const base = `http://localhost:${port}`;
  return {
    APP_CONFIG_app_baseUrl: base,
    APP_CONFIG_backend_baseUrl: base,
    APP_CONFIG_backend_listen_port: String(port),
    APP_CONFIG_backend_database_plugin_beskar7_client: 'pg',
    // The kept database is there; checking it would go through the base
    // (SQLite) connection, which cannot.
    APP_CONFIG_backend_database_plugin_beskar7_ensureExists: 'false',
    APP_CONFIG_backend_database_plugin_beskar7_connection: JSON.stringify({
      host: pg.hostname,
      port: Number(pg.port || 5432),
      user: decodeURIComponent(pg.username || 'postgres'),
      ...(pg.password ? { password: decodeURIComponent(pg.password) } : {}),
      database,
    }),
    APP_CONFIG_beskar7_simulator_enabled: 'false',
    APP_CONFIG_beskar7_provisioning_profile: 'production',
    APP_CONFIG_beskar7_provisioning_reconcileInterval: '1h',
    APP_CONFIG_beskar7_provisioning_powerPollInterval: '24h',
    APP_CONFIG_beskar7_provisioning_stuckStateTimeout: '24h',
  };
}

export interface PortalBackend {
  url: string;
  /** CPU time the backend's processes have used so far, ms (Linux). */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** User and system CPU of every process in group `pgid`, ms, from /proc. */
function groupCpuMs(pgid: number): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command's closing parenthesis: state is field 3.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) {
        ticks += Number(fields[11]) + Number(fields[12]);
      }
    } catch {
      // The process ended while we looked.
    }
  }
  // Linux reports in clock ticks of 10 ms (USER_HZ 100).
  return ticks * 10;
}

/**
 * `yarn workspace backend start` on a free port (the port of the e2e tests,
 * 7007, may be another engineer's), in a process group of its own so that
 * stopping it stops the CLI's children too; its output goes to `logFile`.
 * Resolves once `/api/beskar7/health` answers 200.
 */
export async function startPortalBackend(options: {
  pgUrl: string;
  database: string;
  logFile: string;
  timeoutMs?: number;
}): Promise<PortalBackend> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const log = createWriteStream(options.logFile);
  const child: ChildProcess = spawn('yarn', ['workspace', 'backend', 'start'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...portalBackendEnv(options.pgUrl, options.database, port),
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  // A plugin that fails to start leaves `backstage-cli package start` running.
  let failed = false;
  child.stdout!.on('data', (chunk: Buffer) => {
    if (chunk.toString().includes('Backend failed to start')) failed = true;
  });
  const stop = async () => {
    if (!exited) {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // Already gone.
      }
      await Promise.race([once(child, 'exit'), sleep(15_000)]);
      if (!exited) process.kill(-child.pid!, 'SIGKILL');
    }
    log.end();
  };
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  while (Date.now() < deadline) {
    if (exited || failed) {
      await stop();
      throw new Error(`the backend did not start; see ${options.logFile}`);
    }
    const ok = await fetch(`${url}/api/beskar7/health`).then(
      r => r.ok,
      () => false,
    );
    if (ok) return { url, cpuMs: () => groupCpuMs(child.pid!), stop };
    await sleep(1000);
  }
  await stop();
  throw new Error(
    `the backend did not answer within ${
      (options.timeoutMs ?? 300_000) / 1000
    } s; see ${options.logFile}`,
  );
}

/**
 * Waits until the backend is idle: less than `idleCpuMs` of CPU over each
 * of two consecutive `windowMs` windows, or `maxMs` has passed. A backend
 * just started reads the whole fleet into the catalog (its first full
 * refresh), which a long-running portal did long ago. Returns the time
 * waited and the CPU the backend spent meanwhile, ms.
 */
export async function waitUntilIdle(
  backend: PortalBackend,
  {
    windowMs = 5_000,
    idleCpuMs = 250,
    maxMs,
  }: { windowMs?: number; idleCpuMs?: number; maxMs: number },
): Promise<{ waitedMs: number; cpuMs: number; idle: boolean }> {
  const started = Date.now();
  const cpuAtStart = backend.cpuMs();
  let quietWindows = 0;
  while (quietWindows < 2 && Date.now() - started < maxMs) {
    const before = backend.cpuMs();
    await sleep(windowMs);
    quietWindows = backend.cpuMs() - before < idleCpuMs ? quietWindows + 1 : 0;
  }
  return {
    waitedMs: Date.now() - started,
    cpuMs: backend.cpuMs() - cpuAtStart,
    idle: quietWindows >= 2,
  };
}
