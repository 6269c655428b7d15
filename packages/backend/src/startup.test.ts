import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { knex } from 'knex';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BACKEND_DIR = resolve(__dirname, '..');

/** Starts this backend as operators do, with the repository's config plus `extra`. */
function spawnBackend(extra: string) {
  const dir = mkdtempSync(join(tmpdir(), 'beskar7-startup-'));
  const file = join(dir, 'extra.yaml');
  writeFileSync(file, extra);
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index.ts',
      '--config',
      '../../app-config.yaml',
      '--config',
      file,
    ],
    { cwd: BACKEND_DIR, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', chunk => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; stderr: string }>(done =>
    child.once('exit', code => {
      rmSync(dir, { recursive: true, force: true });
      done({ code, stderr });
    }),
  );
  return { child, exited };
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
    server.once('error', fail);
  });
}

async function statusOf(url: string): Promise<number> {
  try {
    return (await fetch(url)).status;
  } catch {
    return 0;
  }
}

describe('backend start-up', () => {
  it('exits non-zero naming the reason when the beskar7 plugin cannot start, so that an orchestrator restarts it', async () => {
    const { code, stderr } = await spawnBackend(
      [
        'backend:',
        '  listen: { port: 0 }',
        'beskar7:',
        '  simulator: { enabled: false }',
        '  provisioning: { maxConcurrentOps: -3 }',
      ].join('\n'),
    ).exited;
    expect(code).toBe(1);
    expect(stderr).toContain(
      "Plugin 'beskar7' startup failed; caused by ProvisioningConfigError: Invalid provisioning configuration: beskar7.provisioning.maxConcurrentOps must be an integer from 1 to 20, got -3",
    );
  }, 180_000);

  it('reports ready only once the beskar7 plugin serves', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const { child, exited } = spawnBackend(
      [
        'backend:',
        `  listen: { port: ${port} }`,
        `  baseUrl: http://localhost:${port}`,
        'beskar7:',
        '  simulator: { enabled: false }',
      ].join('\n'),
    );
    try {
      const seen = new Set<number>();
      for (;;) {
        const ready = await statusOf(`${base}/.backstage/health/v1/readiness`);
        seen.add(ready);
        if (ready === 200) break;
        await new Promise(r => setTimeout(r, 50));
      }
      expect(await statusOf(`${base}/api/beskar7/health`)).toBe(200);
      // Listening before the plugins had started, it said not ready.
      expect(seen).toContain(503);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 180_000);

  const postgres =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  const onPostgres = postgres ? describe : describe.skip;
  onPostgres('on PostgreSQL', () => {
    it('starts three replicas at once on a fresh PostgreSQL database: one after another, all three serve without a restart', async () => {
      const prefix = `b7start_${randomBytes(4).toString('hex')}_`;
      const ports = await Promise.all([freePort(), freePort(), freePort()]);
      const replicas = ports.map(port =>
        spawnBackend(
          [
            'backend:',
            `  listen: { port: ${port} }`,
            `  baseUrl: http://localhost:${port}`,
            '  database:',
            '    client: pg',
            `    connection: ${postgres}`,
            `    prefix: ${prefix}`,
            // As app-config.production.yaml: 3 replicas x 14 plugin
            // databases must fit the server beside the other suites.
            '    knexConfig:',
            '      pool: { min: 0, max: 2 }',
            'beskar7:',
            '  simulator: { enabled: false }',
          ].join('\n'),
        ),
      );
      const exits: Array<{
        port: number;
        code: number | null;
        stderr: string;
      }> = [];
      replicas.forEach((r, i) =>
        r.exited.then(e => exits.push({ port: ports[i], ...e })),
      );
      try {
        for (const port of ports) {
          const url = `http://127.0.0.1:${port}/.backstage/health/v1/readiness`;
          while ((await statusOf(url)) !== 200) {
            if (exits.length) break;
            await new Promise(r => setTimeout(r, 200));
          }
        }
        expect(exits).toEqual([]);
        for (const port of ports) {
          expect(
            await statusOf(`http://127.0.0.1:${port}/api/beskar7/health`),
          ).toBe(200);
          expect(
            await statusOf(
              `http://127.0.0.1:${port}/api/catalog/entities?limit=1`,
            ),
          ).toBe(401);
        }
      } finally {
        for (const r of replicas) r.child.kill('SIGTERM');
        await Promise.all(replicas.map(r => r.exited));
        const admin = knex({ client: 'pg', connection: postgres });
        const { rows } = await admin.raw(
          'SELECT datname FROM pg_database WHERE datname LIKE ?',
          [`${prefix}%`],
        );
        for (const { datname } of rows) {
          await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname]);
        }
        await admin.destroy();
      }
    }, 600_000);
  });
});
