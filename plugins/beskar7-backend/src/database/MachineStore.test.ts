import { ConflictError } from '@backstage/errors';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import { applyDatabaseMigrations } from './migrations';
import { MachineStore } from './MachineStore';

const databases = createTestDatabases();

const input = {
  name: 'worker-1',
  namespace: 'lab',
  requirements: {
    pool: 'gpu',
    selector: {
      matchLabels: { rack: 'r1' },
      matchExpressions: [
        { key: 'gpu', operator: 'In' as const, values: ['a100'] },
      ],
    },
    tags: ['nvme'],
    minCpuCores: 32,
  },
  imageUrl: 'https://images.test/kairos.iso',
  configUrl: 'https://config.test/worker-1.yaml',
  osFamily: 'kairos' as const,
  provisioningMode: 'RemoteConfig' as const,
  bootMode: 'UEFI' as const,
};

describe.each(databases.eachSupportedId())('MachineStore on %p', databaseId => {
  async function createStore() {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    return new MachineStore(knex);
  }

  it('round-trips a machine request, Pending and without a host', async () => {
    const store = await createStore();
    const created = await store.create(input);
    expect(created).toEqual({
      ...input,
      id: expect.any(String),
      phase: 'Pending',
      hostId: undefined,
      failureReason: undefined,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(await store.get(created.id)).toEqual(created);
    expect(await store.getByName('lab', 'worker-1')).toEqual(created);
    await expect(store.create(input)).rejects.toThrow(ConflictError);
  });

  it('changes requirements only while Pending, and phases only from the expected one', async () => {
    const store = await createStore();
    const machine = await store.create(input);
    const updated = await store.update(machine.id, {
      requirements: { pool: 'cpu' },
    });
    expect(updated.requirements).toEqual({ pool: 'cpu' });
    await store.updatePhase(machine.id, {
      from: 'Pending',
      to: 'Failed',
      failureReason: 'no image',
    });
    await expect(store.update(machine.id, { imageUrl: 'x' })).rejects.toThrow(
      ConflictError,
    );
    await expect(
      store.updatePhase(machine.id, { from: 'Pending', to: 'Released' }),
    ).rejects.toThrow(ConflictError);
    expect(await store.list({ phase: 'Failed' })).toMatchObject([
      { name: 'worker-1', failureReason: 'no image' },
    ]);
    await store.delete(machine.id);
    expect(await store.list()).toEqual([]);
  });
});
