import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import { CLAIM_COORDINATOR_LEASE } from '../claims/LeaderClaimCoordinator';
import { LeaseStore } from '../database/LeaseStore';
import {
  createTestDatabases,
  openReplicaPools,
  ReplicaPools,
} from '@beskar7/backend-testing/database';
import {
  StallingProxy,
  startStallingProxy,
} from '@beskar7/backend-testing/http';
import {
  latest,
  RunbookFleet,
  startRunbookFleet,
  stepLines,
} from '@beskar7/backend-testing/runbooks';

/*
 * Runbook verdicts on a database link that fails for real: two replicas in
 * leader mode reach PostgreSQL through a TCP proxy that can stall the link
 * or slow it down (the network or the database hiccups).
 * - Stalls of 2 s every 3 s: with a lease shorter than a stall, the lease
 *   lapses in every stall and changes hands; leader-election-instability
 *   counts the transitions and sends the operator to the lease settings.
 *   Raised as its manual step says and the replicas rolled, the same stalls
 *   cost nothing.
 * - 150 ms each way: performance-degradation's database latency fails,
 *   naming what to check, and passes once the link is fast again.
 * PostgreSQL only: an SQLite file has no link to fail.
 */

jest.setTimeout(120_000);

const databases = createTestDatabases();
const STALL_MS = 2_000;
const TIGHT = {
  leaseDuration: '1s',
  renewDeadline: '600ms',
  retryPeriod: '200ms',
};
const RAISED = { leaseDuration: '6s', renewDeadline: '4s', retryPeriod: '1s' };

const describeOnPostgres = databases.supports('POSTGRES_15')
  ? describe
  : describe.skip;

describeOnPostgres('runbooks on a failing database link', () => {
  let knex: Knex;
  let proxy: StallingProxy;
  let replicaPools: ReplicaPools | undefined;
  let replicas: RunbookFleet[] = [];

  beforeAll(async () => {
    knex = await databases.init('POSTGRES_15');
    const connection = knex.client.config.connection as Knex.PgConnectionConfig;
    proxy = await startStallingProxy({
      host: connection.host ?? '127.0.0.1',
      port: connection.port ?? 5432,
    });
    // Knex's default pool size: the replicas' queue workers share it.
    replicaPools = openReplicaPools(
      { postgres: { ...connection, host: '127.0.0.1', port: proxy.port } },
      2,
      10,
    );
  });

  afterAll(async () => {
    await stopReplicas();
    await replicaPools?.close();
    await proxy?.close();
  });

  async function startReplicas(leaderElection: JsonObject) {
    replicas = await Promise.all(
      replicaPools!.clients.map(k =>
        startRunbookFleet(k, {
          hosts: 0,
          claims: { mode: 'leader', leaderElection },
        }),
      ),
    );
    const leases = new LeaseStore(knex);
    await eventually(
      () => leases.get(CLAIM_COORDINATOR_LEASE),
      lease => Boolean(lease?.holderId) && lease!.expiresAtMs > Date.now(),
      { what: 'a replica to hold the coordinator lease' },
    );
  }

  async function stopReplicas() {
    await Promise.all(replicas.map(r => r.stop()));
    replicas = [];
  }

  /** Stalls the link for STALL_MS every 3 s while `work` runs. */
  async function withStalls<T>(work: () => Promise<T>): Promise<T> {
    let stalling = true;
    const stalls = (async () => {
      while (stalling) {
        await new Promise(r => setTimeout(r, 1_000));
        if (stalling) await proxy.stall(STALL_MS);
      }
    })();
    try {
      return await work();
    } finally {
      stalling = false;
      await stalls;
    }
  }

  it('counts the transitions a lease shorter than the stalls causes, and longer lease settings end them', async () => {
    await startReplicas(TIGHT);
    const { runbooks } = replicas[0];
    let run = await runbooks.next(
      (
        await runbooks.start('leader-election-instability', {
          observeSeconds: 9,
        })
      ).id,
    );
    expect(latest(run, 'lease-holder').status).toBe('passed');

    run = await withStalls(() => runbooks.next(run.id));
    const counted = latest(run, 'count-transitions');
    expect(counted.status).toBe('failed');
    expect(counted.verification?.message).toMatch(
      /^\d+ transition\(s\): the leader cannot renew in time; check the lease settings \(next step\)$/,
    );
    // Each of the three stalls outlives the lease: a change of holder each.
    expect(
      (counted.data as { transitions: number }).transitions,
    ).toBeGreaterThanOrEqual(2);

    // The manual step: raise leaseDuration and renewDeadline, roll the replicas.
    await runbooks.abort(run.id);
    await stopReplicas();
    await startReplicas(RAISED);
    const again = replicas[0].runbooks;
    const fixed = await withStalls(async () =>
      again.drive(
        await again.start('leader-election-instability', {
          observeSeconds: 9,
        }),
      ),
    );
    expect(stepLines(fixed)).toEqual([
      'lease-holder:passed',
      'count-transitions:passed',
      'lease-settings:passed',
    ]);
    expect(latest(fixed, 'count-transitions').summary).toBe(
      '0 transition(s) in 9 s',
    );
    expect(latest(fixed, 'lease-settings').verification?.message).toBe(
      'lease 6000 ms, renew deadline 4000 ms, retry 1000 ms',
    );
  });

  it('measures a slow database link, and passes once it is fast again', async () => {
    const { runbooks } = replicas[0];
    const databaseLatency = async () => {
      const run = await runbooks.start('performance-degradation');
      let current = await runbooks.resume(run.id);
      // Earlier steps read this replica's metrics; go on past them to the link.
      while (!current.steps.some(st => st.stepId === 'database-latency')) {
        current = await runbooks.acknowledge(current.id, 'looking further');
        current = await runbooks.resume(current.id);
      }
      if (current.status === 'in-progress') await runbooks.abort(current.id);
      return latest(current, 'database-latency');
    };

    expect((await databaseLatency()).status).toBe('passed');
    proxy.setLatency(150);
    try {
      const slow = await databaseLatency();
      expect(slow.status).toBe('failed');
      expect((slow.data as { ms: number }).ms).toBeGreaterThanOrEqual(300);
      expect(slow.verification?.message).toMatch(
        /^\d+\.\d ms: check the database host \(CPU, IO wait, connections near max_connections, long-running transactions in pg_stat_activity, autovacuum\)$/,
      );
    } finally {
      proxy.setLatency(0);
    }
    expect((await databaseLatency()).status).toBe('passed');
  });
});
