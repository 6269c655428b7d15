import { createTestDatabases } from '@beskar7/backend-testing/database';
import { BootstrapTokenStore } from './BootstrapTokenStore';
import { applyDatabaseMigrations } from './migrations';
import { MachineStore } from './MachineStore';

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'BootstrapTokenStore on %p',
  databaseId => {
    async function setUp() {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const machine = await new MachineStore(knex).create({
        name: 'cp-0',
        namespace: 'lab',
        requirements: {},
        imageUrl: 'https://images.test/ubuntu.iso',
        bootstrapDataSecret: 'cp-0-bootstrap',
        osFamily: 'cloud-init',
        provisioningMode: 'RemoteConfig',
        bootMode: 'UEFI',
      });
      return { knex, machine, tokens: new BootstrapTokenStore(knex) };
    }

    it('finds a token it issued, stores only its hash, and one token per machine', async () => {
      const { knex, machine, tokens } = await setUp();
      const grant = { machineId: machine.id, hostId: 'host-1' };
      const first = await tokens.issue(grant, 60_000);
      expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await tokens.find(first)).toEqual(grant);
      expect(
        JSON.stringify(await knex('beskar7_bootstrap_tokens')),
      ).not.toContain(first);
      const second = await tokens.issue(grant, 60_000);
      expect(await tokens.find(first)).toBeUndefined();
      expect(await tokens.find(second)).toEqual(grant);
      expect(await tokens.find('not-a-token')).toBeUndefined();
    });

    it('forgets a token once expired or once its host is released', async () => {
      const { machine, tokens } = await setUp();
      const expired = await tokens.issue(
        { machineId: machine.id, hostId: 'host-1' },
        -1,
      );
      expect(await tokens.find(expired)).toBeUndefined();
      const live = await tokens.issue(
        { machineId: machine.id, hostId: 'host-1' },
        60_000,
      );
      await tokens.revokeHost('host-1');
      expect(await tokens.find(live)).toBeUndefined();
    });
  },
);
