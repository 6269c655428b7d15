import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BACKEND_DIR = resolve(__dirname, '..');

/** Runs this backend as operators do, with the repository's config plus `extra`. */
function runBackend(
  extra: string,
): Promise<{ code: number | null; stderr: string }> {
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
  return new Promise(done =>
    child.once('exit', code => {
      rmSync(dir, { recursive: true, force: true });
      done({ code, stderr });
    }),
  );
}

describe('backend start-up', () => {
  it('exits non-zero naming the reason when the beskar7 plugin cannot start, so that an orchestrator restarts it', async () => {
    const { code, stderr } = await runBackend(
      [
        'backend:',
        '  listen: { port: 0 }',
        'beskar7:',
        '  simulator: { enabled: false }',
        '  provisioning: { maxConcurrentOps: -3 }',
      ].join('\n'),
    );
    expect(code).toBe(1);
    expect(stderr).toContain(
      "Plugin 'beskar7' startup failed; caused by ProvisioningConfigError: Invalid provisioning configuration: beskar7.provisioning.maxConcurrentOps must be an integer from 1 to 20, got -3",
    );
  }, 180_000);
});
