import { execFile } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { knex as createKnex } from 'knex';
import { freePort } from '../freePort';

const run = promisify(execFile);

/** A PostgreSQL server the database drill may take down. */
export interface DrillPostgres {
  /** Server URL, without a database. */
  url: string;
  /** How the outage is made, for the drill's output. */
  outage: string;
  /** Takes the database away for `downMs`, then back. */
  restart(options: {
    database: string;
    downMs: number;
    immediate?: boolean;
  }): Promise<void>;
  close(): Promise<void>;
}

/** The newest PostgreSQL server binaries: BESKAR7_PG_BINDIR, or Debian's layout. */
function findBinDir(): string | undefined {
  if (process.env.BESKAR7_PG_BINDIR) return process.env.BESKAR7_PG_BINDIR;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter(v => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(a) - Number(b));
  return versions.length ? join(root, versions.at(-1)!, 'bin') : undefined;
}

/**
 * A cluster of its own (initdb in a temporary directory, on a free port),
 * so that restarting it breaks nobody else's tests. PostgreSQL refuses to
 * run as root: as root, the cluster runs as the `postgres` user.
 */
export async function startPrivatePostgres(): Promise<DrillPostgres> {
  const bin = findBinDir();
  if (!bin) throw new Error('no PostgreSQL server binaries (initdb) found');
  const dir = mkdtempSync(join(tmpdir(), 'beskar7-drill-pg-'));
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout), Number(gid));
  }
  const pg = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args])
      : run(join(bin, tool), args);
  const data = join(dir, 'data');
  const port = await freePort();
  await pg('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
  ]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  const start = () =>
    pg('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'log'),
      '-w',
      '-o',
      options,
      'start',
    ]);
  const stop = (mode: string) =>
    pg('pg_ctl', ['-D', data, '-w', '-m', mode, 'stop']);
  await start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}`,
    outage: `real restart of a private PostgreSQL cluster (pg_ctl stop/start, port ${port})`,
    async restart({ downMs, immediate }) {
      await stop(immediate ? 'immediate' : 'fast');
      await sleep(downMs);
      await start();
    },
    async close() {
      await stop('immediate').catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Without server binaries to run a cluster of our own, the shared server is
 * not restarted (other tests use it): the drill's database refuses new
 * connections for the outage and every open one is terminated.
 */
export function sharedPostgres(url: string): DrillPostgres {
  const admin = createKnex({ client: 'pg', connection: url });
  return {
    url,
    outage:
      'the shared server is not restarted: the drill database refuses connections (ALLOW_CONNECTIONS false) and every connection to it is terminated (pg_terminate_backend)',
    async restart({ database, downMs }) {
      await admin.raw(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
      await admin.raw(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()',
        [database],
      );
      await sleep(downMs);
      await admin.raw(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
    },
    async close() {
      await admin.destroy();
    },
  };
}
