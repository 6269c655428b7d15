import { ConflictError } from '@backstage/errors';
import { HostStore } from '../database/HostStore';
import { applyDatabaseMigrations } from '../database/migrations';
import { MachineStore } from '../database/MachineStore';
import { createBeskar7Metrics } from '../metrics';
import {
  checkClaimInvariants,
  insertAvailableHosts,
  insertPendingMachines,
} from '@beskar7/backend-testing/fleet';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import { OptimisticClaimCoordinator } from './OptimisticClaimCoordinator';
import { completeRelease } from './release';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'claim and release on %p',
  databaseId => {
    it('goes Available → Claimed → Deprovisioning → Available, recorded', async () => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const [host] = await insertAvailableHosts(knex, { count: 1 });
      const [machine, other] = await insertPendingMachines(knex, { count: 2 });
      const coordinator = new OptimisticClaimCoordinator({
        knex,
        metrics: createBeskar7Metrics(),
      });
      const hosts = new HostStore(knex);
      const machines = new MachineStore(knex);

      expect(await coordinator.claim(machine.id)).toMatchObject({
        outcome: 'claimed',
        hostId: host.id,
      });
      // Idempotent for the holder; nothing left for the other machine.
      expect(await coordinator.claim(machine.id)).toMatchObject({
        outcome: 'claimed',
        hostId: host.id,
        attempts: 0,
      });
      expect(await coordinator.claim(other.id)).toMatchObject({
        outcome: 'no_hosts',
      });

      expect(await coordinator.release(machine.id)).toEqual({
        machineId: machine.id,
        phase: 'Releasing',
        hostId: host.id,
      });
      expect(await coordinator.release(machine.id)).toMatchObject({
        phase: 'Releasing',
      });
      expect(await hosts.get(host.id)).toMatchObject({
        state: 'Deprovisioning',
        consumerId: machine.id,
      });
      // Still held while the BMC work runs.
      expect(await coordinator.claim(other.id)).toMatchObject({
        outcome: 'no_hosts',
      });
      await expect(coordinator.claim(machine.id)).rejects.toThrow(
        ConflictError,
      );

      await completeRelease(knex, host.id);
      expect(await hosts.get(host.id)).toMatchObject({
        state: 'Available',
        consumerId: undefined,
        version: 3,
      });
      expect(await machines.get(machine.id)).toMatchObject({
        phase: 'Released',
        hostId: undefined,
      });
      await expect(coordinator.claim(machine.id)).rejects.toThrow(
        ConflictError,
      );
      expect(await coordinator.claim(other.id)).toMatchObject({
        outcome: 'claimed',
        hostId: host.id,
      });

      expect(
        (await hosts.listEvents(host.id)).map(e => [
          e.fromState,
          e.toState,
          e.reason,
        ]),
      ).toEqual([
        ['Available', 'Claimed', 'Claimed'],
        ['Claimed', 'Deprovisioning', 'Released'],
        ['Deprovisioning', 'Available', 'Deprovisioned'],
        ['Available', 'Claimed', 'Claimed'],
      ]);
      expect(await checkClaimInvariants(knex)).toEqual({
        doubleClaims: [],
        halfClaims: [],
        inconsistentHosts: [],
      });
    });

    it('releases a machine that never got a host straight to Released', async () => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const [machine] = await insertPendingMachines(knex, { count: 1 });
      const coordinator = new OptimisticClaimCoordinator({
        knex,
        metrics: createBeskar7Metrics(),
      });
      expect(await coordinator.release(machine.id)).toEqual({
        machineId: machine.id,
        phase: 'Released',
      });
      await expect(completeRelease(knex, 'nope')).rejects.toThrow(
        ConflictError,
      );
    });
  },
);
