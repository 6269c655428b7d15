import { Knex, knex as createKnex } from 'knex';
import { createServer } from 'node:net';
import { HOST_EVENTS_TABLE } from '../database/HostEventStore';
import { HOSTS_TABLE } from '../database/hostRows';
import { MACHINES_TABLE } from '../database/machineRows';
import { applyDatabaseMigrations } from '../database/migrations';
import { createBeskar7Metrics } from '../metrics';
import {
  checkClaimInvariants,
  insertAvailableHosts,
  insertPendingMachines,
} from '@beskar7/backend-testing/fleet';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import { createClaimCoordinator } from './createClaimCoordinator';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** The backend running a claim statement (other than `except`), once it waits for a lock. */
async function blockedClaimBackend(knex: Knex, except = 0): Promise<number> {
  for (;;) {
    const { rows } = await knex.raw(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'
          AND query LIKE '%beskar7_fnv1a32%' AND pid <> ?`,
      [except],
    );
    if (rows.length > 0) return rows[0].pid;
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

/** A port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise(resolve => server.close(resolve));
  return port;
}

describe.each(
  databases.eachSupportedId().filter(([id]) => id === 'POSTGRES_15'),
)('claims when the connection dies, on %p', databaseId => {
  it.each(['optimistic', 'locking'] as const)(
    '%s: a claim whose connection is terminated mid-statement leaves nothing half done and is retried',
    async mode => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      await insertAvailableHosts(knex, { count: 3 });
      const [busy] = await insertAvailableHosts(knex, {
        count: 1,
        prefix: 'busy',
        describe: () => ({ pool: 'elsewhere' }),
      });
      const [machine] = await insertPendingMachines(knex, {
        count: 1,
        requirements: () => ({ pool: 'default' }),
      });
      const coordinator = createClaimCoordinator({
        mode,
        knex,
        metrics: createBeskar7Metrics(),
      });

      // Another transaction, not yet committed, makes a host of another
      // pool point at the machine: the claim's own host write then waits
      // on the unique index of hosts.consumer_id, after it locked the
      // machine and a host and wrote the host row.
      // The test watches through a pool of its own: the coordinator's pool
      // may hand out the terminated connection once more before dropping it.
      const observer = createKnex({
        client: 'pg',
        connection: knex.client.config.connection,
      });
      const blocker = await knex.transaction();
      let result;
      try {
        await blocker(HOSTS_TABLE)
          .where({ id: busy.id })
          .update({ consumer_id: machine.id });
        const claim = coordinator.claim(machine.id);
        const pid = await blockedClaimBackend(observer);
        await observer.raw('SELECT pg_terminate_backend(?)', [pid]);

        // The retry waits for the same lock: what is committed is untouched.
        await blockedClaimBackend(observer, pid);
        expect(
          await observer(HOSTS_TABLE).whereNotNull('consumer_id').select('id'),
        ).toEqual([]);
        expect(
          await observer(MACHINES_TABLE).where({ id: machine.id }).first(),
        ).toMatchObject({ phase: 'Pending', host_id: null });
        expect(await observer(HOST_EVENTS_TABLE)).toEqual([]);

        await blocker.rollback();
        result = await claim;
      } finally {
        if (!blocker.isCompleted()) await blocker.rollback();
        await observer.destroy();
      }
      expect(result).toMatchObject({ outcome: 'claimed' });
      expect(await checkClaimInvariants(knex)).toEqual({
        doubleClaims: [],
        halfClaims: [],
        inconsistentHosts: [],
      });
      expect(
        await knex(MACHINES_TABLE).where({ id: machine.id }).first(),
      ).toMatchObject({
        phase: 'Claimed',
        host_id: result.outcome === 'claimed' ? result.hostId : null,
      });
      expect(await knex(HOST_EVENTS_TABLE)).toHaveLength(1);
    },
  );

  it.each(['optimistic', 'locking'] as const)(
    '%s: with the database unreachable, the claim answers retry and says why',
    async mode => {
      const unreachable = createKnex({
        client: 'pg',
        connection: `postgresql://postgres@127.0.0.1:${await closedPort()}/none`,
        pool: { min: 0, max: 1 },
      });
      try {
        const coordinator = createClaimCoordinator({
          mode,
          knex: unreachable,
          metrics: createBeskar7Metrics(),
        });
        expect(await coordinator.claim('machine-1')).toMatchObject({
          outcome: 'retry',
          reason: 'database_unavailable',
        });
      } finally {
        await unreachable.destroy();
      }
    },
  );

  it.each(['optimistic', 'locking'] as const)(
    '%s: every eligible host held by another transaction counts each attempt as a conflict',
    async mode => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      await insertAvailableHosts(knex, { count: 3 });
      const [machine] = await insertPendingMachines(knex, {
        count: 1,
        requirements: () => ({ pool: 'default' }),
      });
      const metrics = createBeskar7Metrics();
      const coordinator = createClaimCoordinator({
        mode,
        knex,
        metrics,
      });
      // A claim stalled elsewhere, as far as this one can tell: the pool's
      // rows locked by a transaction that does not end.
      const holder = await knex.transaction();
      let result;
      try {
        await holder(HOSTS_TABLE).where({ pool: 'default' }).forUpdate();
        result = await coordinator.claim(machine.id);
      } finally {
        await holder.rollback();
      }
      expect(result).toMatchObject({
        outcome: 'retry',
        reason: 'attempts_exhausted',
        attempts: 10,
        conflicts: 10,
      });
      const attempts = (await metrics.hostClaimAttempts.get()).values;
      expect(
        attempts
          .filter(v => v.value > 0)
          .map(v => [v.labels.outcome, v.labels.conflict_reason, v.value]),
      ).toEqual([['conflict', 'already_claimed', 10]]);
      expect(await coordinator.claim(machine.id)).toMatchObject({
        outcome: 'claimed',
      });
    },
  );
});
