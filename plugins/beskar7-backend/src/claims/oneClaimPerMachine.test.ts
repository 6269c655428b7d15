import { Registry } from 'prom-client';
import { applyDatabaseMigrations } from '../database/migrations';
import { createBeskar7Metrics } from '../metrics';
import {
  createTestDatabases,
  DATABASE_IDS,
} from '@beskar7/backend-testing/database';
import {
  insertAvailableHosts,
  insertPendingMachines,
} from '@beskar7/backend-testing/fleet';
import { LockingClaimCoordinator } from './LockingClaimCoordinator';
import { OptimisticClaimCoordinator } from './OptimisticClaimCoordinator';

const COORDINATORS = [
  ['optimistic', OptimisticClaimCoordinator],
  ['locking', LockingClaimCoordinator],
] as const;

const databases = createTestDatabases();

describe.each(DATABASE_IDS)('claim coordinators on %s', id => {
  it.each(COORDINATORS)(
    '%s: claims a machine asked for several times at once only once, without racing itself',
    async (_, Coordinator) => {
      const knex = await databases.init(id);
      await applyDatabaseMigrations(knex);
      await insertAvailableHosts(knex, { count: 5 });
      const machines = await insertPendingMachines(knex, { count: 3 });
      const metrics = createBeskar7Metrics(new Registry());
      const coordinator = new Coordinator({ knex, metrics });

      // The create notification, the periodic pass and a finished job can all ask at once.
      const results = await Promise.all(
        machines.flatMap(m => [1, 2, 3].map(() => coordinator.claim(m.id))),
      );

      expect(results.map(r => r.outcome)).toEqual(Array(9).fill('claimed'));
      const hosts = new Set(
        results.map(r => r.outcome === 'claimed' && r.hostId),
      );
      expect(hosts.size).toBe(3);
      const attempts = (await metrics.hostClaimAttempts.get()).values.filter(
        v => v.value > 0,
      );
      // Racing itself would read as contention between replicas.
      expect(attempts.map(v => [v.labels.outcome, v.value])).toEqual([
        ['success', 3],
      ]);
    },
  );
});
