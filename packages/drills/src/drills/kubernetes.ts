/* eslint-disable no-console */
/**
 * Kubernetes drill, against a real kube-apiserver (BESKAR7_TEST_KUBECONFIG,
 * as scripts/kube-cluster.sh starts one): two replicas' Kubernetes sides
 * with Lease election at the default timing (15 s lease, 10 s renew
 * deadline, 2 s retry), a few PhysicalHosts and a Beskar7Machine. Prints
 * the request rate the replicas cause at idle (the API server's own
 * apiserver_request_total, less its rate without them) and how long the
 * Lease takes to move after the leader is SIGKILLed. Invariant: the other
 * replica takes the Lease.
 *
 *   yarn drill:kubernetes [--long]
 */
import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { knex as createKnex } from 'knex';
import { applyDatabaseMigrations } from '../../../../plugins/beskar7-backend/src/database/migrations';
import { CLAIM_COORDINATOR_LEADER_LEASE } from '../../../../plugins/beskar7-backend/src/kubernetes';
import {
  API_VERSION,
  GROUP,
  VERSION,
} from '../../../../plugins/beskar7-backend/src/kubernetes/types';
import { readDrillArgs } from './form';
import type { KubeReplicaStart } from './kubeReplicaProcess';
import { createPostgresScratch } from './scratchDatabase';

const { long, form, pgUrl } = readDrillArgs({});
const IDLE_S = long ? 120 : 30;
const TAKEOVERS = long ? 3 : 1;

/** Requests the API server has answered so far, by resource. */
async function requestCounts(kc: KubeConfig): Promise<Map<string, number>> {
  const cluster = kc.getCurrentCluster()!;
  const user = kc.getCurrentUser()!;
  const ca = Buffer.from(cluster.caData ?? '', 'base64');
  const body = await new Promise<string>((resolve, reject) => {
    const req = request(
      `${cluster.server}/metrics`,
      { ca, headers: { Authorization: `Bearer ${user.token}` } },
      res => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', chunk => (text += chunk));
        res.on('end', () => resolve(text));
      },
    );
    req.on('error', reject);
    req.end();
  });
  const counts = new Map<string, number>();
  for (const line of body.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const resource = /resource="([^"]*)"/.exec(line)?.[1] || '(none)';
    const verb = /verb="([^"]*)"/.exec(line)?.[1] ?? '';
    const key = `${verb} ${resource}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(line.split(' ').pop()));
  }
  return counts;
}

function delta(before: Map<string, number>, after: Map<string, number>) {
  const result = new Map<string, number>();
  for (const [key, value] of after) {
    const d = value - (before.get(key) ?? 0);
    if (d > 0) result.set(key, d);
  }
  return result;
}

const total = (counts: Map<string, number>) =>
  [...counts.values()].reduce((a, b) => a + b, 0);

async function main() {
  const kubeconfig = process.env.BESKAR7_TEST_KUBECONFIG;
  if (!kubeconfig) {
    console.log(
      `Kubernetes drill: skipped, ${
        process.env.BESKAR7_TEST_KUBE_MISSING ??
        'set BESKAR7_TEST_KUBECONFIG (scripts/kube-cluster.sh start DIR prints one)'
      }`,
    );
    return;
  }
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const leases = kc.makeApiClient(CoordinationV1Api);
  const namespace = `beskar7-drill-${randomBytes(4).toString('hex')}`;
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const scratch = await createPostgresScratch(pgUrl);
  const knex = createKnex({ client: 'pg', connection: scratch.url });
  await applyDatabaseMigrations(knex);
  await knex.destroy();
  const children: ChildProcess[] = [];
  const violations: string[] = [];
  try {
    await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: 'bmc' },
        stringData: { username: 'u', password: 'p' },
      },
    });
    for (let i = 0; i < 3; i++) {
      await custom.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        plural: 'physicalhosts',
        namespace,
        body: {
          apiVersion: API_VERSION,
          kind: 'PhysicalHost',
          metadata: { name: `node-${i}` },
          spec: {
            redfishConnection: {
              address: `https://bmc-${i}.example`,
              credentialsSecretRef: 'bmc',
            },
          },
        },
      });
    }
    await custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: 'beskar7machines',
      namespace,
      body: {
        apiVersion: API_VERSION,
        kind: 'Beskar7Machine',
        metadata: { name: 'worker-0' },
        spec: {
          imageURL: 'https://images.example/os.iso',
          osFamily: 'flatcar',
          provisioningMode: 'PXE',
        },
      },
    });

    // What the API server does on its own (its identity Leases, endpoints).
    const baselineS = Math.min(IDLE_S, 30);
    const b0 = await requestCounts(kc);
    await sleep(baselineS * 1000);
    const baseline = total(delta(b0, await requestCounts(kc))) / baselineS;

    const start = (name: string) => {
      const child = fork(join(__dirname, 'kubeReplicaProcess.ts'), [], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      const message: KubeReplicaStart = {
        databaseUrl: scratch.url,
        kubeconfig,
        namespace,
        name,
      };
      child.send(message);
      return { name, child };
    };
    const holder = async () => {
      try {
        const lease = await leases.readNamespacedLease({
          name: CLAIM_COORDINATOR_LEADER_LEASE,
          namespace,
        });
        return lease.spec?.holderIdentity;
      } catch {
        return undefined;
      }
    };
    /** The Lease's holder once it is one other than `previous`. */
    const nextHolder = async (previous?: string): Promise<string> =>
      (await eventually(holder, h => Boolean(h) && h !== previous, {
        what: previous
          ? `the Lease to move from ${previous}`
          : 'a Lease holder',
        intervalMs: 100,
      }))!;
    let started = 0;
    const next = () => start(`replica-${started++}`);
    const replicas = [next(), next()];
    let leader = await nextHolder();
    // Settled: every object taken in (finalizer) and published.
    await sleep(10_000);

    const i0 = await requestCounts(kc);
    await sleep(IDLE_S * 1000);
    const idle = delta(i0, await requestCounts(kc));
    const rate = total(idle) / IDLE_S - baseline;
    console.log(
      `Kubernetes drill (${form}): idle requests caused by 2 replicas: ${rate.toFixed(
        2,
      )}/s over ${IDLE_S} s (API server alone: ${baseline.toFixed(2)}/s)`,
    );
    const top = [...idle.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
    console.log(
      `  by verb and resource (including the API server's own): ${top
        .map(([k, v]) => `${k} ${(v / IDLE_S).toFixed(2)}/s`)
        .join(', ')}`,
    );

    for (let round = 0; round < TAKEOVERS; round++) {
      const holding = leader;
      const killed = replicas.find(r => r.name === holding);
      if (!killed) {
        violations.push(`Lease holder ${leader} is no replica of the drill`);
        break;
      }
      killed.child.kill('SIGKILL');
      const killedAt = performance.now();
      const successor = await nextHolder(leader);
      const seconds = (performance.now() - killedAt) / 1000;
      console.log(
        `  Lease takeover after SIGKILL of the leader: ${seconds.toFixed(
          1,
        )} s (lease duration 15 s)`,
      );
      if (!replicas.some(r => r !== killed && r.name === successor)) {
        violations.push(`Lease went to ${successor} after ${killed.name} died`);
      }
      leader = successor;
      replicas[replicas.indexOf(killed)] = next();
      await sleep(3_000);
    }
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await scratch.drop();
    await core.deleteNamespace({ name: namespace }).catch(() => {});
  }
  if (violations.length > 0) {
    console.error(`Kubernetes drill violations:\n  ${violations.join('\n  ')}`);
    process.exit(1);
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
