/* eslint-disable no-console */
/**
 * Alert drill: Debian's Prometheus scrapes running backend replicas (the real
 * plugin on a scratch PostgreSQL database, simulated BMCs over HTTP) with a
 * static scrape token and evaluates deploy/monitoring's rules while faults are
 * caused for real. For each alert the drill waits until Prometheus reports it
 * firing (/api/v1/alerts), prints the time from fault to firing, checks that
 * the alert's runbook_url names a runbook the portal opens, and runs that
 * runbook's diagnosis step on the fleet, which must reach the same verdict.
 * Finally every PromQL expression of the Grafana dashboard must return a series.
 *
 *   yarn drill:alerts          # short: the shipped rules with every `for:` cut to 5 s (a copy made at run time)
 *   yarn drill:alerts --long   # long: the shipped rules unchanged (minutes per alert)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { JsonObject } from '@backstage/types';
import {
  Host,
  Machine,
  RunbookRun,
} from '@beskar7/backstage-plugin-beskar7-common';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { Knex, knex as createKnex } from 'knex';
import { stringify } from 'yaml';
import { HOSTS_TABLE } from '../../../../plugins/beskar7-backend/src/database/hostRows';
import { HOST_EVENTS_TABLE } from '../../../../plugins/beskar7-backend/src/database/HostEventStore';
import { LEASES_TABLE } from '../../../../plugins/beskar7-backend/src/database/LeaseStore';
import {
  SimulatedHost,
  startSimulatedFleet,
} from '../../../../plugins/beskar7-backend/src/simulator';
import { readDrillArgs } from './form';
import { DrillBackend, startDrillBackend } from './monitoring/drillBackend';
import { PrometheusServer } from './monitoring/prometheusServer';
import {
  alertRules,
  GRAFANA_DASHBOARD_FILE,
  PrometheusRule,
  readRuleGroups,
  runbookId,
  withShortFor,
} from './monitoring/rules';
import { createPostgresScratch } from './scratchDatabase';

const { long, form, pgUrl } = readDrillArgs({});
const SHORT_FOR_SECONDS = 5;
/** How long a fault may take to fire its alert: the shipped `for:` needs minutes. */
const FIRE_TIMEOUT_MS = long ? 12 * 60_000 : 120_000;
const MAX_QUEUE_SIZE = 10;
const POOLS = { flaky: 4, latency: 4, contend: 6, busy: 10, bulk: 14 } as const;
type Pool = keyof typeof POOLS;

const scrapeToken = randomBytes(24).toString('base64url');
const operatorToken = randomBytes(24).toString('base64url');
const password = randomBytes(12).toString('base64url');

function backendConfig(claims: JsonObject): JsonObject {
  return {
    backend: {
      baseUrl: 'http://127.0.0.1',
      auth: {
        externalAccess: [
          // Prometheus may read, and only this plugin.
          {
            type: 'static',
            options: { token: scrapeToken, subject: 'prometheus' },
            accessRestrictions: [
              { plugin: 'beskar7', permission: 'beskar7.host.read' },
            ],
          },
          {
            type: 'static',
            options: { token: operatorToken, subject: 'alert-drill' },
          },
        ],
      },
    },
    beskar7: {
      // The simulated BMCs are on loopback: the login is sent there only.
      credentials: {
        fleet: {
          username: 'operator',
          password,
          allowedAddresses: ['127.0.0.1'],
        },
      },
      claims,
      provisioning: {
        maxQueueSize: MAX_QUEUE_SIZE,
        maxConcurrentOps: 2,
        workerCount: 2,
        // Retries of a failing BMC wait on it: the cooldown alert's fault.
        bmcCooldownPeriod: '1s',
        pollInterval: '50ms',
        reconcileInterval: '500ms',
        operationTimeout: '20s',
        leaseDuration: '5s',
        retry: { maxRetries: 10, initialBackoff: '100ms', maxBackoff: '300ms' },
      },
    },
  };
}

const OPTIMISTIC = { mode: 'optimistic' };
const LEADER = {
  mode: 'leader',
  leaderElection: {
    leaseDuration: '3s',
    renewDeadline: '2s',
    retryPeriod: '500ms',
  },
};

/** The operator's side: the plugin's API with a static token. */
function apiOf(backend: DrillBackend) {
  return async function call<T>(method: string, path: string, body?: unknown) {
    const res = await fetch(`${backend.api}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${operatorToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) {
      throw new Error(`${method} ${path}: ${res.status} ${text}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

/** Claim statements (ClaimStore's hash the machine's name) waiting for a lock now. */
async function claimStatementsWaitingOnLocks(db: Knex): Promise<number> {
  const { rows } = await db.raw(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'
        AND query LIKE '%beskar7_fnv1a32%'`,
  );
  return rows[0].n;
}

/** What the scratch database's other sessions are doing, to explain a fault that did not bite. */
async function activity(db: Knex) {
  const { rows } = await db.raw(
    `SELECT wait_event_type AS wait, state, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query
       FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'`,
  );
  return rows;
}

interface Proof {
  alert: string;
  fault: string;
  /** From the fault's start to Prometheus reporting the alert firing. */
  firedAfterSeconds?: number;
  runbook: string;
  verdict?: string;
  violation?: string;
}

async function main(): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'beskar7-alert-drill-'));
  const groups = readRuleGroups();
  const rulesFile = join(dir, 'rules.yaml');
  // The short form's copy: same expressions, `for:` cut so that CI waits seconds.
  writeFileSync(
    rulesFile,
    stringify(long ? groups : withShortFor(groups, SHORT_FOR_SECONDS)),
  );
  const alerts = new Map(alertRules(groups).map(r => [r.alert!, r]));
  const proofs: Proof[] = [];

  const prometheus = await PrometheusServer.start({
    dir,
    rulesFile,
    scrapeToken,
    intervalSeconds: 1,
  });
  const scratch = await createPostgresScratch(pgUrl);
  const db = createKnex({ client: 'pg', connection: scratch.url });
  const total = Object.values(POOLS).reduce((a, b) => a + b, 0);
  const sims = await startSimulatedFleet({
    count: total,
    username: 'operator',
    password,
    namePrefix: 'alert',
  });
  const replicas: DrillBackend[] = [];
  const stopReplicas = async () => {
    await Promise.all(replicas.splice(0).map(r => r.stop()));
    prometheus.setTargets([]);
  };
  const startReplicas = async (count: number, claims: JsonObject) => {
    await stopReplicas();
    for (let i = 0; i < count; i++) {
      replicas.push(
        await startDrillBackend(scratch.url, backendConfig(claims)),
      );
    }
    prometheus.setTargets(replicas.map(r => r.target));
    await eventually(
      () => prometheus.targets(),
      ts =>
        ts.length === count &&
        ts.every(t => t.health === 'up') &&
        ts.every(t => replicas.some(r => t.scrapeUrl.includes(r.target))),
      {
        what: 'Prometheus to scrape every replica with the token',
        timeoutMs: 30_000,
        intervalMs: 250,
      },
    );
  };
  const api = () => apiOf(replicas[0]);

  /** Waits until Prometheus reports `alertname` firing; the seconds since `since`. */
  async function firing(
    alertname: string,
    since: number,
    keepFaulting?: () => Promise<void>,
  ) {
    await eventually(
      async () => {
        if (await prometheus.firing(alertname)) return true;
        // Between reads the fault goes on, or the drill pauses.
        await (keepFaulting?.() ?? sleep(500));
        return false;
      },
      Boolean,
      {
        what: `${alertname} to fire`,
        timeoutMs: FIRE_TIMEOUT_MS,
        intervalMs: 0,
      },
    ).catch(async (error: Error) => {
      // Where the expression, the queue and the alerts stood when the wait failed.
      const queue = replicas.length
        ? await api()('GET', '/queue').catch(e => String(e))
        : 'no replica';
      const expr = alerts.get(alertname)?.expr ?? '';
      const value = (await prometheus.query(expr.split(/[<>]=?/)[0]))
        .map(r => r.value[1])
        .join(',');
      throw new Error(
        `${error.message}; ${expr.trim()} is at ${
          value || 'no series'
        }; queue: ${JSON.stringify(queue)}; alerts: ${JSON.stringify(
          (await prometheus.alerts()).map(
            a => `${a.labels.alertname}:${a.state}`,
          ),
        )}`,
      );
    });
    return (Date.now() - since) / 1000;
  }

  /**
   * One alert's proof: the fault fires it, its runbook_url opens a runbook
   * the backend serves, and that runbook's diagnosis agrees.
   */
  async function prove(
    alertname: string,
    fault: string,
    since: number,
    diagnose: (runbook: string) => Promise<string>,
    keepFaulting?: () => Promise<void>,
  ) {
    const rule: PrometheusRule | undefined = alerts.get(alertname);
    const proof: Proof = { alert: alertname, fault, runbook: '?' };
    proofs.push(proof);
    try {
      if (!rule) throw new Error(`no alert ${alertname} in the rules`);
      proof.runbook = runbookId(rule);
      proof.firedAfterSeconds = Number(
        (await firing(alertname, since, keepFaulting)).toFixed(1),
      );
      proof.verdict = await diagnose(proof.runbook);
    } catch (error) {
      proof.violation = String(error instanceof Error ? error.message : error);
    }
    console.log(
      `${proof.violation ? 'VIOLATION' : 'fired'}: ${alertname} after ${
        proof.firedAfterSeconds ?? '-'
      } s (${fault}); ${proof.runbook}: ${proof.violation ?? proof.verdict}`,
    );
  }

  /** Starts a run and resumes it to its first failed step (or the end). */
  async function diagnosis(
    runbook: string,
    parameters: Record<string, unknown> = {},
    on = replicas[0],
  ): Promise<RunbookRun> {
    const call = apiOf(on);
    const run = await call<RunbookRun>('POST', `/runbooks/${runbook}/runs`, {
      parameters,
      dryRun: false,
    });
    return call<RunbookRun>('POST', `/runbooks/runs/${run.id}/resume`, {});
  }
  const step = (run: RunbookRun, id: string) => {
    const found = run.steps.filter(s => s.stepId === id).at(-1);
    if (!found)
      throw new Error(
        `${run.runbookId}: step ${id} has not run (${run.steps.map(
          s => `${s.stepId}:${s.status}`,
        )})`,
      );
    return found;
  };

  const byPool = new Map<Pool, Array<{ sim: SimulatedHost; host: Host }>>();
  let requested = 0;
  const requestMachine = (pool: Pool, on = replicas[0]) =>
    apiOf(on)<Machine>('POST', '/machines', {
      name: `alert-${pool}-${requested++}`,
      imageUrl: 'https://images.example/os.iso',
      configUrl: 'https://config.example/m.yaml',
      osFamily: 'flatcar',
      provisioningMode: 'RemoteConfig',
      requirements: { pool },
    });
  const machine = (id: string) => api()<Machine>('GET', `/machines/${id}`);

  try {
    // One replica until the contention fault: two would race for every claim.
    await startReplicas(1, OPTIMISTIC);
    // Register the fleet a few hosts at a time: inspections go through the queue.
    let next = 0;
    for (const [pool, count] of Object.entries(POOLS) as Array<
      [Pool, number]
    >) {
      const members = sims.hosts.slice(next, next + count);
      next += count;
      const registered: Array<{ sim: SimulatedHost; host: Host }> = [];
      for (let i = 0; i < members.length; i += 4) {
        const batch = await Promise.all(
          members.slice(i, i + 4).map(async sim => ({
            sim,
            host: await api()<Host>('POST', '/hosts', {
              name: sim.name,
              pool,
              // The simulated BMCs speak plain HTTP on loopback.
              bmc: {
                address: sim.bmc.url,
                credentialsRef: 'fleet',
                allowPlainHttp: true,
              },
            }),
          })),
        );
        for (const { sim, host } of batch) {
          await eventually(
            () => api()<Host>('GET', `/hosts/${host.id}`),
            h => h.state === 'Available',
            {
              what: `${sim.name} to be inspected`,
              timeoutMs: 60_000,
              intervalMs: 250,
            },
          );
          registered.push({ sim, host });
        }
      }
      byPool.set(pool, registered);
    }
    console.log(
      `Alert drill (${form}): ${total} simulated BMCs registered, a replica scraped by Prometheus ${prometheus.url}`,
    );

    // Each alert's runbook_url opens /beskar7/runbooks/<id> in the portal; the
    // page reads GET /runbooks/<id>, which must answer with that runbook.
    for (const rule of alerts.values()) {
      const id = runbookId(rule);
      const served = await api()<{ id: string }>('GET', `/runbooks/${id}`);
      if (served.id !== id) {
        throw new Error(
          `${rule.alert}: GET /runbooks/${id} answered ${served.id}`,
        );
      }
    }

    // 1. BMCs fail until their circuit opens: their provisioning retries
    // fail and open the breakers.
    const flaky = byPool.get('flaky')!;
    let since = Date.now();
    for (const { sim } of flaky)
      sim.bmc.faults.set([{ kind: 'status', status: 503 }]);
    const flakyMachines = await Promise.all(
      flaky.map(() => requestMachine('flaky')),
    );
    const flakyHost = async () => {
      for (const m of flakyMachines) {
        const hostId = (await machine(m.id)).hostId;
        if (hostId) return hostId;
      }
      return flaky[0].host.id;
    };
    // With the circuit open, the runbook must stop at its circuit step;
    // otherwise at whichever layer fails.
    const bmcVerdict =
      (circuitOpen: boolean) =>
      async (runbook: string): Promise<string> => {
        const hostId = await flakyHost();
        const seen: string[] = [];
        // Each replica keeps its own breakers: ask every one.
        for (const replica of replicas) {
          const run = await diagnosis(runbook, { hostId }, replica);
          const failed = run.steps.find(s => s.status === 'failed');
          if (!failed) continue;
          const verdict = `${failed.stepId} failed: ${
            failed.verification?.message ?? failed.summary
          }`;
          if (
            !circuitOpen ||
            verdict.startsWith('circuit failed: Circuit open')
          )
            return verdict;
          seen.push(verdict);
        }
        throw new Error(
          `no replica's ${runbook} run found the failing BMC${
            circuitOpen ? ' behind an open circuit' : ''
          }: ${seen.join(' | ')}`,
        );
      };
    await prove(
      'Beskar7BmcCircuitOpen',
      'BMCs answer 503 until their breakers open',
      since,
      bmcVerdict(true),
    );
    await prove(
      'Beskar7BmcErrorRateHigh',
      'BMCs answer 503',
      since,
      bmcVerdict(false),
    );
    for (const { sim } of flaky) sim.bmc.faults.clear();

    // 2. Claims slowed by a lock held by another session (as a migration
    // or a manual maintenance statement would): SHARE on the host events
    // table, which every claim statement writes and a machine request does
    // not (a lock on the hosts table held up the requests' own inserts, by
    // their foreign key check, so claims began only after it). It is granted
    // first, machines are asked for at once, and it is held until their claim
    // statements are seen waiting for it, and 6 s (over the 5 s limit) more.
    // The requests are not awaited under the lock: claims waiting for it
    // fill the replica's connection pool. A replica sends the first tries
    // of claims asked for together in one statement, so one statement seen
    // waiting may hold them all.
    since = Date.now();
    const lock = await db.transaction();
    let blockedClaims = 0;
    let latencyRequests: Promise<unknown> = Promise.resolve();
    try {
      await lock.raw(`LOCK TABLE ${HOST_EVENTS_TABLE} IN SHARE MODE`);
      // One replica asks: claims must not race before the contention fault.
      latencyRequests = Promise.allSettled(
        Array.from({ length: POOLS.latency }, () => requestMachine('latency')),
      );
      blockedClaims = await eventually(
        () => claimStatementsWaitingOnLocks(db),
        n => n >= 1,
        {
          what: 'a claim statement to wait for the host events lock',
          timeoutMs: 20_000,
          intervalMs: 250,
        },
      ).catch(async () => {
        console.log(
          `claims not seen waiting for the lock; the database is busy with: ${JSON.stringify(
            await activity(db),
          )}`,
        );
        return 0;
      });
      await sleep(6_000);
    } finally {
      await lock.rollback();
    }
    await latencyRequests;
    await prove(
      'Beskar7ClaimLatencyHigh',
      'a session holds a lock on the host events table while claims run',
      since,
      async runbook => {
        if (blockedClaims < 1) {
          throw new Error(
            'no claim statement was seen waiting for the host events lock',
          );
        }
        for (const replica of replicas) {
          const run = await diagnosis(runbook, {}, replica);
          const latency = step(run, 'claim-latency');
          if (
            (latency.data as { claimSamples?: number }).claimSamples &&
            latency.status === 'failed'
          ) {
            return `claim-latency failed: ${latency.verification?.message}`;
          }
        }
        throw new Error('no replica found claim latency over its limit');
      },
    );

    // 3. Claims lose to another claimer: a transaction that does not end (a
    // claim stalled mid-way, as far as the others can tell) holds the rows
    // of a pool's six hosts while three replicas claim them. Honest racing
    // for a small pool no longer conflicts: the claim statement passes over
    // hosts being written, and each write takes milliseconds.
    await startReplicas(3, OPTIMISTIC);
    since = Date.now();
    const holder = await db.transaction();
    await holder(HOSTS_TABLE).where({ pool: 'contend' }).forUpdate();
    const contended = await Promise.all(
      Array.from({ length: POOLS.contend }, (_, i) =>
        requestMachine('contend', replicas[i % replicas.length]),
      ),
    );
    await prove(
      'Beskar7ClaimConflictRateHigh',
      'a stalled transaction holds the six hosts of a pool three replicas claim',
      since,
      async runbook => {
        const seen: string[] = [];
        // Each replica judges its own attempts: more waves until one has enough.
        for (let round = 0; round < 5; round++) {
          for (const replica of replicas) {
            const run = await diagnosis(
              runbook,
              { targetMode: 'leader' },
              replica,
            );
            const measured = step(run, 'measure-conflicts');
            const message = measured.verification?.message ?? '';
            if (message.startsWith('Confirmed'))
              return `measure-conflicts: ${message}`;
            seen.push(message);
          }
          await sleep(2_000);
        }
        throw new Error(
          `claim-conflicts did not confirm conflicts: ${seen.join(' | ')}`,
        );
      },
    );
    await holder.rollback();
    // Once the rows are free the claims go through.
    await eventually(
      () => Promise.all(contended.map(m => machine(m.id))),
      ms => ms.every(m => Boolean(m.hostId)),
      {
        what: 'the contended machines to get their hosts',
        timeoutMs: 60_000,
        intervalMs: 250,
      },
    );
    // 4. Retries wait on their BMC's cooldown: every change (boot order,
    // media, power) fails with 500 on ten BMCs, so each provisioning
    // attempt fails and is retried.
    // A fresh replica: its health check counts waits per second from its
    // start, as Prometheus's rate does, against the alert's own limit.
    await startReplicas(1, OPTIMISTIC);
    since = Date.now();
    for (const { sim } of byPool.get('busy')!) {
      sim.bmc.faults.set([
        {
          kind: 'status',
          status: 500,
          operations: ['reset', 'setBoot', 'insertMedia', 'patchMedia'],
        },
      ]);
    }
    await Promise.all(byPool.get('busy')!.map(() => requestMachine('busy')));
    await prove(
      'Beskar7BmcCooldownRateHigh',
      'changes fail with 500 on 10 BMCs: retries wait on the cooldown',
      since,
      async () => {
        const seen: string[] = [];
        // The check judges from 20 waits on: a few more seconds of the fault if needed.
        for (let round = 0; round < 5; round++) {
          if (round > 0) await sleep(3_000);
          const replica = replicas[0];
          const report = await apiOf(replica)<{
            checks: Array<{
              id: string;
              status: string;
              message: string;
              runbookId?: string;
            }>;
          }>('GET', '/diagnostics');
          const check = report.checks.find(c => c.id === 'bmc-cooldowns');
          if (
            check &&
            check.status !== 'ok' &&
            check.runbookId === 'queue-backlog'
          ) {
            return `diagnostics bmc-cooldowns ${check.status}: ${check.message}`;
          }
          seen.push(`${check?.status}: ${check?.message}`);
        }
        throw new Error(
          `no replica's diagnostics saw cooldowns set the pace: ${seen.join(
            ' | ',
          )}`,
        );
      },
    );
    for (const { sim } of byPool.get('busy')!) sim.bmc.faults.clear();

    // 5. The queue fills past its limit: machine requests for a pool of slow BMCs.
    since = Date.now();
    // Slow enough (under the 15 s request timeout) that no job finishes
    // while both queue alerts are judged: at 1.5 s, and on a quiet machine
    // at 5 s, the queue drained below 80% between the two runbook runs.
    for (const { sim } of byPool.get('bulk')!) sim.bmc.latencyMs = 12_000;
    await Promise.all(
      byPool
        .get('bulk')!
        .map((_, i) => requestMachine('bulk', replicas[i % replicas.length])),
    );
    // The requests are claimed one by one while replicas race for the pool's
    // hosts, so the queue may still be filling when the alert fires: run
    // the runbook again until its queue-status step sees what the alert saw.
    const queueVerdict = async (runbook: string) => {
      const status = await eventually(
        async () =>
          step(await diagnosis(runbook, { observeSeconds: 1 }), 'queue-status'),
        s => {
          const q = s.data as {
            length: number;
            processing: number;
            maxQueueSize: number;
          };
          return (q.length + q.processing) / q.maxQueueSize > 0.8;
        },
        {
          what: `${runbook}'s queue-status to see the queue above 80%`,
          timeoutMs: 30_000,
          intervalMs: 1_000,
        },
      );
      return `queue-status: ${status.summary}`;
    };
    await prove(
      'Beskar7QueueUtilisationHigh',
      'machine requests for 14 slow BMCs, queue limit 10',
      since,
      queueVerdict,
    );
    await prove(
      'Beskar7QueueNearlyFull',
      'machine requests for 14 slow BMCs, queue limit 10',
      since,
      queueVerdict,
    );
    for (const { sim } of byPool.get('bulk')!) sim.bmc.latencyMs = 0;

    // Every panel of the dashboard has data by now.
    const dashboard = JSON.parse(readFileSync(GRAFANA_DASHBOARD_FILE, 'utf8'));
    const panels: Array<{
      title: string;
      targets?: Array<{ expr: string }>;
      panels?: unknown[];
    }> = dashboard.panels;
    let emptyPanels = 0;
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        const result = await prometheus.query(target.expr);
        if (result.length === 0) {
          emptyPanels += 1;
          console.log(
            `VIOLATION: dashboard panel "${panel.title}": ${target.expr} returns no series`,
          );
        }
      }
    }
    console.log(
      `dashboard: ${
        panels.flatMap(p => p.targets ?? []).length
      } expressions queried, ${emptyPanels} empty`,
    );

    // 6. Leadership churns: the coordinator lease lapses in the database
    // every 2 s, as when the leader cannot renew in time.
    await startReplicas(3, LEADER);
    await eventually(
      async () => db(LEASES_TABLE).whereNotNull('holder_id').first(),
      Boolean,
      { what: 'a leader', timeoutMs: 30_000, intervalMs: 250 },
    );
    since = Date.now();
    const lapse = async () => {
      await db(LEASES_TABLE).update({ expires_at_ms: 0 });
      await sleep(2_000);
    };
    await prove(
      'Beskar7LeaderElectionUnstable',
      'the coordinator lease lapses every 2 s',
      since,
      async runbook => {
        let lapsing = true;
        const running = (async () => {
          while (lapsing) await lapse();
        })();
        let counted: RunbookRun;
        try {
          counted = await diagnosis(runbook, { observeSeconds: 5 });
          // lease-holder fails while the lease is lapsed: acknowledged, the count goes on.
          if (counted.status === 'step-failed') {
            const call = apiOf(replicas[0]);
            await call('POST', `/runbooks/runs/${counted.id}/acknowledge`, {
              note: 'lease lapsing in the drill',
            });
            counted = await call<RunbookRun>(
              'POST',
              `/runbooks/runs/${counted.id}/resume`,
              {},
            );
          }
        } finally {
          lapsing = false;
          await running;
        }
        const transitions = step(counted, 'count-transitions');
        if (transitions.verification?.passed !== false)
          throw new Error(`count-transitions: ${transitions.summary}`);
        return `count-transitions failed: ${transitions.verification.message}`;
      },
      lapse,
    );

    // 7. Every replica stops.
    since = Date.now();
    await stopReplicas();
    await prove(
      'Beskar7BackendDown',
      'every replica stopped',
      since,
      async runbook => {
        // No replica left to run a diagnosis: the page's route is checked before.
        return `${runbook}: no backend to diagnose (route checked while up)`;
      },
    );
  } finally {
    await stopReplicas();
    await prometheus.stop();
    await sims.stop();
    await db.destroy();
    await scratch.drop();
    rmSync(dir, { recursive: true, force: true });
  }

  const unproven = [...alerts.keys()].filter(
    a => !proofs.some(p => p.alert === a),
  );
  for (const a of unproven) console.log(`VIOLATION: no fault fired ${a}`);
  console.table(
    proofs.map(p => ({
      alert: p.alert,
      firedAfterS: p.firedAfterSeconds ?? '-',
      runbook: p.runbook,
      ok: !p.violation,
    })),
  );
  const violations = proofs.filter(p => p.violation).length + unproven.length;
  console.log(
    JSON.stringify({
      drill: `alerts (${form})`,
      forSeconds: long ? 'as shipped' : SHORT_FOR_SECONDS,
      firedAfterSeconds: Object.fromEntries(
        proofs.map(p => [p.alert, p.firedAfterSeconds ?? null]),
      ),
      violations,
    }),
  );
  return violations === 0;
}

// process.exit: a stopped test backend may leave timers behind, and its
// shutdown path must not decide the drill's exit code.
main().then(
  ok => process.exit(ok ? 0 : 1),
  error => {
    console.error(error);
    process.exit(1);
  },
);
