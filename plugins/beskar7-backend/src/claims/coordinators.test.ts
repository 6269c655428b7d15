import {
  CLAIM_COORDINATION_MODES,
  ClaimCoordinationMode,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { HOSTS_TABLE } from '../database/hostRows';
import { MACHINES_TABLE } from '../database/machineRows';
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
import { createClaimCoordinator } from './createClaimCoordinator';
import { OptimisticClaimCoordinator } from './OptimisticClaimCoordinator';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const REPLICAS = 4;

function coordinatorFor(
  mode: ClaimCoordinationMode,
  knex: Knex,
  index: number,
) {
  return createClaimCoordinator({
    mode,
    knex,
    metrics: createBeskar7Metrics(),
    replicaId: `replica-${index}`,
    leaderElection: {
      leaseDurationMs: 3000,
      renewDeadlineMs: 2000,
      retryPeriodMs: 100,
    },
  });
}

describe.each(databases.eachSupportedId())('claim race on %p', databaseId => {
  it.each(CLAIM_COORDINATION_MODES)(
    `%s: ${REPLICAS} replicas race 65 machines over 40 hosts`,
    async mode => {
      const replicas = await createReplicaDatabases(
        databases,
        databaseId,
        REPLICAS,
      );
      const coordinators = replicas.clients.map((knex, i) =>
        coordinatorFor(mode, knex, i),
      );
      try {
        const knex = replicas.clients[0];
        await applyDatabaseMigrations(knex);
        // Pool a: 30 hosts for 45 machines. Pool b: 10 hosts tagged nvme, 5
        // untagged, for 15 machines that need nvme. Pool c: no host at all.
        await insertAvailableHosts(knex, {
          count: 30,
          prefix: 'a',
          describe: () => ({ pool: 'a' }),
        });
        await insertAvailableHosts(knex, {
          count: 15,
          prefix: 'b',
          describe: i => ({ pool: 'b', tags: i < 10 ? ['nvme'] : [] }),
        });
        const machines = [
          ...(await insertPendingMachines(knex, {
            count: 45,
            prefix: 'a',
            requirements: () => ({ pool: 'a' }),
          })),
          ...(await insertPendingMachines(knex, {
            count: 15,
            prefix: 'b',
            requirements: () => ({ pool: 'b', tags: ['nvme'] }),
          })),
          ...(await insertPendingMachines(knex, {
            count: 5,
            prefix: 'c',
            requirements: () => ({ pool: 'c' }),
          })),
        ];
        await Promise.all(coordinators.map(c => c.start()));

        const entries = await runClaimRace(
          coordinators,
          machines.map(m => m.id),
          { concurrencyPerReplica: 4 },
        );

        expect(await checkClaimInvariants(knex)).toEqual({
          doubleClaims: [],
          halfClaims: [],
          inconsistentHosts: [],
        });
        expect(entries).toHaveLength(machines.length);
        expect(entries.filter(e => e.result.outcome === 'retry')).toEqual([]);

        // Every machine that could get a host got one: no eligible host is left.
        const claimedHosts = await knex(HOSTS_TABLE)
          .select('pool', 'tags')
          .where('state', 'Claimed');
        expect(claimedHosts.filter(h => h.pool === 'a')).toHaveLength(30);
        expect(claimedHosts.filter(h => h.pool === 'b')).toHaveLength(10);
        expect(
          claimedHosts.every(h => h.pool !== 'b' || h.tags.includes('nvme')),
        ).toBe(true);
        const left = await knex(HOSTS_TABLE)
          .where('state', 'Available')
          .select('pool', 'tags');
        expect(left).toHaveLength(5);
        expect(
          left.every(h => h.pool === 'b' && !h.tags.includes('nvme')),
        ).toBe(true);

        // The answers agree with the database.
        const rows = await knex(MACHINES_TABLE).select(
          'id',
          'host_id',
          'phase',
        );
        const byId = new Map(rows.map(r => [r.id, r]));
        for (const { machineId, result } of entries) {
          const expected =
            result.outcome === 'claimed'
              ? { host_id: result.hostId, phase: 'Claimed' }
              : { host_id: null, phase: 'Pending' };
          expect(byId.get(machineId)).toMatchObject(expected);
        }
        expect(
          entries.filter(e => e.result.outcome === 'claimed'),
        ).toHaveLength(40);
      } finally {
        await Promise.all(coordinators.map(c => c.stop()));
        await replicas.close();
      }
    },
  );
});

describe('optimistic claims racing for the same hosts', () => {
  // Below scarceHosts (2,000 by default) optimistic claims choose as locking
  // claims do; with none, every claim takes its snapshot's choice and writes
  // it only if it is unchanged, and a lost write goes on to the next.
  it('gives every host to one machine when 16 claims in flight want 40 hosts', async () => {
    if (!databases.supports('POSTGRES_15')) return;
    const replicas = await createReplicaDatabases(
      databases,
      'POSTGRES_15',
      REPLICAS,
    );
    const coordinators = replicas.clients.map(
      knex =>
        new OptimisticClaimCoordinator({
          knex,
          metrics: createBeskar7Metrics(),
          scarceHosts: 0,
        }),
    );
    try {
      const knex = replicas.clients[0];
      await applyDatabaseMigrations(knex);
      await insertAvailableHosts(knex, { count: 40 });
      const machines = await insertPendingMachines(knex, { count: 50 });
      await Promise.all(coordinators.map(c => c.start()));

      const entries = await runClaimRace(
        coordinators,
        machines.map(m => m.id),
        { concurrencyPerReplica: 4 },
      );

      expect(await checkClaimInvariants(knex)).toEqual({
        doubleClaims: [],
        halfClaims: [],
        inconsistentHosts: [],
      });
      const outcomes = entries.map(e => e.result.outcome);
      expect(outcomes.filter(o => o === 'claimed')).toHaveLength(40);
      expect(outcomes.filter(o => o === 'no_hosts')).toHaveLength(10);
    } finally {
      await Promise.all(coordinators.map(c => c.stop()));
      await replicas.close();
    }
  });
});
