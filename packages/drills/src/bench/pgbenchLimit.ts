/*
 * The database's own speed for a claim, measured beside the race: a
 * pgbench script that claims with one SQL statement (best-ranked Available
 * host by an indexed rank, FOR UPDATE SKIP LOCKED, update, event insert).
 * The script is the workplace's (`../shared/bench/pg-claim-limit.sh`, with
 * Debian's pgbench), so a clone without it reports the figure as missing
 * rather than inventing one.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** What one run of the limit script printed (its last line, JSON). */
export interface ClaimLimit {
  clients: number;
  seconds: number;
  simpleUpdateTps: number;
  sqlClaimTps: number;
  doubleClaims: number;
}

export function defaultLimitScript(): string | undefined {
  const script = resolve(
    __dirname,
    '../../../../../shared/bench/pg-claim-limit.sh',
  );
  return existsSync(script) ? script : undefined;
}

/** Runs the limit script once; rejects with its output when it fails. */
export function measureClaimLimit(
  script: string,
  options: { clients: number; seconds: number },
): Promise<ClaimLimit> {
  return new Promise((done, fail) => {
    const child = spawn('bash', [script], {
      env: {
        ...process.env,
        CLIENTS: String(options.clients),
        SECONDS_EACH: String(options.seconds),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', chunk => (out += chunk));
    child.stderr.on('data', chunk => (out += chunk));
    child.once('error', fail);
    child.once('exit', code => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        if (code !== 0) throw new Error(`exit code ${code}`);
        const parsed = JSON.parse(last) as ClaimLimit;
        if (!(parsed.sqlClaimTps > 0)) throw new Error('no sqlClaimTps');
        done(parsed);
      } catch (error) {
        fail(
          new Error(`${script} failed (${(error as Error).message}):\n${out}`),
        );
      }
    });
  });
}
