import { Knex } from 'knex';
import { LeaseStore } from '../database/LeaseStore';
import { applyDatabaseMigrations } from '../database/migrations';
import { createBeskar7Metrics } from '../metrics';
import {
  checkClaimInvariants,
  insertAvailableHosts,
  insertPendingMachines,
  runClaimRace,
} from '@beskar7/backend-testing/fleet';
import {
  createReplicaDatabases,
  createTestDatabases,
} from '@beskar7/backend-testing/database';
import { CLAIM_REQUESTS_TABLE } from '../database/ClaimRequestStore';
import {
  CLAIM_COORDINATOR_LEASE,
  LeaderClaimCoordinator,
  LeaderClaimCoordinatorOptions,
} from './LeaderClaimCoordinator';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/**
 * Calls `onHit` as `knex` issues its first statement that updates hosts:
 * a batch's first claim on SQLite, mid-transaction; the whole batch's
 * statement on PostgreSQL.
 */
function onFirstHostUpdate(knex: Knex, onHit: () => void) {
  let hit = false;
  knex.on('query', (query: { sql: string }) => {
    if (hit || !/update .?beskar7_hosts/i.test(query.sql)) return;
    hit = true;
    onHit();
  });
}

/**
 * A coordinator on each replica's connection, named `replica-<i>`; its lease
 * lasts long enough that only a stop hands it over, unless `options` say.
 */
function coordinatorsOn(
  clients: Knex[],
  options: Omit<
    LeaderClaimCoordinatorOptions,
    'knex' | 'metrics' | 'replicaId'
  >,
) {
  return clients.map(
    (knex, i) =>
      new LeaderClaimCoordinator({
        knex,
        metrics: createBeskar7Metrics(),
        replicaId: `replica-${i}`,
        ...options,
        leaderElection: {
          leaseDurationMs: 60_000,
          renewDeadlineMs: 40_000,
          retryPeriodMs: 50,
          ...options.leaderElection,
        },
      }),
  );
}

describe.each(databases.eachSupportedId())('leader mode on %p', databaseId => {
  it('survives the leader dying mid-batch: a replica takes over once the lease expired', async () => {
    // Three replicas run coordinators; the fourth pool only observes.
    const replicas = await createReplicaDatabases(databases, databaseId, 4);
    const knex = replicas.clients[3];
    const coordinators = coordinatorsOn(replicas.clients.slice(0, 3), {
      leaderElection: {
        leaseDurationMs: 1500,
        renewDeadlineMs: 1000,
        retryPeriodMs: 100,
      },
      // A slow poll makes the first batch gather many requests.
      pollIntervalMs: 200,
    });
    try {
      await applyDatabaseMigrations(knex);
      await insertAvailableHosts(knex, { count: 25 });
      const machines = await insertPendingMachines(knex, { count: 30 });

      coordinators.forEach(c => c.start());
      await eventually(() => coordinators.some(c => c.isLeader), Boolean, {
        intervalMs: 10,
      });
      const leader = coordinators.findIndex(c => c.isLeader);
      const leases = new LeaseStore(knex);
      const before = await leases.get(CLAIM_COORDINATOR_LEASE);
      expect(before).toMatchObject({ holderId: `replica-${leader}` });

      let killed = false;
      onFirstHostUpdate(replicas.clients[leader], () => {
        killed = true;
        replicas.kill(leader);
      });

      // Only the survivors ask: the dead replica could not hear its answers.
      const survivors = coordinators.filter((_, i) => i !== leader);
      const entries = await runClaimRace(
        survivors,
        machines.map(m => m.id),
        { concurrencyPerReplica: 15 },
      );

      expect(killed).toBe(true);
      const after = await leases.get(CLAIM_COORDINATOR_LEASE);
      expect(after!.holderId).not.toBe(`replica-${leader}`);
      expect(after!.fencingToken).toBe(before!.fencingToken + 1);

      expect(await checkClaimInvariants(knex)).toEqual({
        doubleClaims: [],
        halfClaims: [],
        inconsistentHosts: [],
      });
      const outcomes = entries.map(e => e.result.outcome);
      expect(outcomes.filter(o => o === 'claimed')).toHaveLength(25);
      expect(outcomes.filter(o => o === 'no_hosts')).toHaveLength(5);
      expect(await knex('beskar7_hosts').where('state', 'Available')).toEqual(
        [],
      );
    } finally {
      await Promise.all(coordinators.map(c => c.stop()));
      await replicas.close();
    }
  });

  it('answers claims in batches from one leader and hands over on stop', async () => {
    const replicas = await createReplicaDatabases(databases, databaseId, 2);
    const coordinators = coordinatorsOn(replicas.clients, {
      pollIntervalMs: 10,
    });
    try {
      const knex = replicas.clients[0];
      await applyDatabaseMigrations(knex);
      await insertAvailableHosts(knex, { count: 10 });
      const machines = await insertPendingMachines(knex, { count: 10 });
      coordinators.forEach(c => c.start());
      await eventually(() => coordinators.some(c => c.isLeader), Boolean, {
        intervalMs: 10,
      });
      const first = coordinators.findIndex(c => c.isLeader);

      const half = machines.slice(0, 5).map(m => m.id);
      await runClaimRace(coordinators, half, { concurrencyPerReplica: 5 });

      // A graceful stop releases the lease: no need to wait 60 s for it to expire.
      await coordinators[first].stop();
      const other = coordinators[1 - first];
      await eventually(() => other.isLeader, Boolean, { intervalMs: 10 });
      const rest = machines.slice(5).map(m => m.id);
      const entries = await runClaimRace([other], rest, {
        concurrencyPerReplica: 5,
      });
      expect(entries.map(e => e.result.outcome)).toEqual(
        Array(5).fill('claimed'),
      );
      expect(await checkClaimInvariants(knex)).toEqual({
        doubleClaims: [],
        halfClaims: [],
        inconsistentHosts: [],
      });
    } finally {
      await Promise.all(coordinators.map(c => c.stop()));
      await replicas.close();
    }
  });

  it('answers at once, queueing nothing, for a machine that holds a host, is past Pending or is unknown', async () => {
    const replicas = await createReplicaDatabases(databases, databaseId, 1);
    const [coordinator] = coordinatorsOn(replicas.clients, {
      pollIntervalMs: 10,
    });
    try {
      const knex = replicas.clients[0];
      await applyDatabaseMigrations(knex);
      await insertAvailableHosts(knex, { count: 3 });
      const [held, failed] = await insertPendingMachines(knex, { count: 2 });
      await coordinator.start();
      await eventually(() => coordinator.isLeader, Boolean, { intervalMs: 10 });
      const first = await coordinator.claim(held.id);
      expect(first.outcome).toBe('claimed');
      await knex('beskar7_machines')
        .where({ id: failed.id })
        .update({ phase: 'Failed' });
      const queued = () => knex('beskar7_claim_requests').select('machine_id');
      expect(await queued()).toEqual([]);

      // Idempotent: the machine's own host, without a new request.
      expect(await coordinator.claim(held.id)).toEqual({
        machineId: held.id,
        outcome: 'claimed',
        hostId: first.outcome === 'claimed' && first.hostId,
        attempts: 0,
        conflicts: 0,
      });
      await expect(coordinator.claim(failed.id)).rejects.toThrow(
        `Machine ${failed.id} is Failed; only a Pending machine can claim a host`,
      );
      await expect(coordinator.claim('no-such-machine')).rejects.toThrow(
        'Machine no-such-machine not found',
      );
      expect(await queued()).toEqual([]);
    } finally {
      await coordinator.stop();
      await replicas.close();
    }
  });
});

describe.each(
  databases.eachSupportedId().filter(([id]) => id.startsWith('POSTGRES')),
)('leader mode with notifications on %p', databaseId => {
  it('stops at once when stopped while a batch reads the queue', async () => {
    const replicas = await createReplicaDatabases(databases, databaseId, 2);
    const [knex, leaderKnex] = replicas.clients;
    // Only a stop can end the leader's idle wait within the test.
    const [coordinator] = coordinatorsOn([leaderKnex], {
      pollIntervalMs: 3_600_000,
      signalledPollIntervalMs: 3_600_000,
    });
    let unlock!: () => void;
    const unlocked = new Promise<void>(resolve => {
      unlock = resolve;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>(resolve => {
      locked = resolve;
    });
    let giveUp: NodeJS.Timeout | undefined;
    try {
      await applyDatabaseMigrations(knex);
      // The leader's first batch waits on this lock: a stop then finds no idle wait to end.
      const holding = knex.transaction(async trx => {
        await trx.raw(
          `LOCK TABLE ${CLAIM_REQUESTS_TABLE} IN ACCESS EXCLUSIVE MODE`,
        );
        locked();
        await unlocked;
      });
      await isLocked;
      await coordinator.start();
      await eventually(
        async () =>
          (
            await knex('pg_locks')
              .join('pg_class', 'pg_class.oid', 'pg_locks.relation')
              .where({ 'pg_class.relname': CLAIM_REQUESTS_TABLE })
              .where('pg_locks.granted', false)
          ).length,
        waiting => waiting > 0,
        { what: 'the leader to wait on the queue', timeoutMs: 30_000 },
      );
      const stopping = coordinator.stop().then(() => 'stopped');
      unlock();
      await holding;
      const stillWaiting = new Promise<string>(resolve => {
        giveUp = setTimeout(() => resolve('still waiting'), 10_000);
      });
      expect(await Promise.race([stopping, stillWaiting])).toBe('stopped');
    } finally {
      clearTimeout(giveUp);
      unlock();
      await replicas.close();
    }
  });

  it('wakes the leader and answers other replicas by notification, not by polling', async () => {
    const replicas = await createReplicaDatabases(databases, databaseId, 2);
    const coordinators = coordinatorsOn(replicas.clients, {
      // Neither loop looks again within the test: only notifications can answer.
      pollIntervalMs: 3_600_000,
      signalledPollIntervalMs: 3_600_000,
      claimTimeoutMs: 3_600_000,
    });
    try {
      const knex = replicas.clients[0];
      await applyDatabaseMigrations(knex);
      await insertAvailableHosts(knex, { count: 12 });
      const machines = await insertPendingMachines(knex, { count: 10 });
      await Promise.all(coordinators.map(c => c.start()));
      await eventually(() => coordinators.some(c => c.isLeader), Boolean, {
        intervalMs: 10,
      });
      // The leader has gone idle by now: only a notification wakes it.
      await new Promise(resolve => setTimeout(resolve, 200));
      const follower = coordinators.find(c => !c.isLeader)!;
      const entries = await runClaimRace(
        [follower],
        machines.map(m => m.id),
        { concurrencyPerReplica: 5 },
      );
      expect(entries.map(e => e.result.outcome)).toEqual(
        Array(10).fill('claimed'),
      );
      const held = await knex('beskar7_machines').select('id', 'host_id');
      expect(
        Object.fromEntries(
          entries.map(e => [
            e.machineId,
            e.result.outcome === 'claimed' ? e.result.hostId : undefined,
          ]),
        ),
      ).toEqual(Object.fromEntries(held.map(m => [m.id, m.host_id])));
      expect(await checkClaimInvariants(knex)).toEqual({
        doubleClaims: [],
        halfClaims: [],
        inconsistentHosts: [],
      });
    } finally {
      await Promise.all(coordinators.map(c => c.stop()));
      await replicas.close();
    }
  });
});
