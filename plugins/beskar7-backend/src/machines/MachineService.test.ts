import { applyDatabaseMigrations } from '../database/migrations';
import { MachineStore } from '../database/MachineStore';
import {
  createReplicaDatabases,
  createTestDatabases,
} from '@beskar7/backend-testing/database';
import { MachineService, sameMachineSpec } from './MachineService';

const databases = createTestDatabases();

const spec = {
  namespace: 'lab',
  requirements: { pool: 'gpu' },
  imageUrl: 'https://images.test/kairos.iso',
  configUrl: 'https://config.test/worker.yaml',
  osFamily: 'kairos' as const,
  provisioningMode: 'RemoteConfig' as const,
  bootMode: 'UEFI' as const,
};

// Nothing is released in these tests.
const noClaims = {
  release: async () => {
    throw new Error('not expected');
  },
};

describe.each(databases.eachSupportedId())(
  'MachineService on %p',
  databaseId => {
    it('creates a name once when many replicas ask at the same time', async () => {
      const replicas = await createReplicaDatabases(databases, databaseId, 3);
      try {
        await applyDatabaseMigrations(replicas.clients[0]);
        const services = replicas.clients.map(
          knex => new MachineService(new MachineStore(knex), noClaims),
        );
        // 10 names, each asked 6 times, spread over the 3 replicas.
        const requests = Array.from({ length: 60 }, (_, i) =>
          services[i % 3].request({ ...spec, name: `worker-${i % 10}` }),
        );
        const answers = await Promise.allSettled(requests);
        const outcomes = answers.map(a => {
          if (a.status === 'rejected') return String(a.reason);
          return a.value.created ? 'created' : 'existing';
        });
        const counts: Record<string, number> = {};
        for (const outcome of outcomes) {
          counts[outcome] = (counts[outcome] ?? 0) + 1;
        }
        expect(counts).toEqual({ created: 10, existing: 50 });
        const ids = new Set(
          answers.map(a => a.status === 'fulfilled' && a.value.machine.id),
        );
        expect(ids.size).toBe(10);

        await expect(
          services[1].request({
            ...spec,
            name: 'worker-3',
            osFamily: 'flatcar',
          }),
        ).rejects.toThrow(/already exists with a different spec/);
      } finally {
        await replicas.close();
      }
    });
  },
);

describe('sameMachineSpec', () => {
  const stored = {
    ...spec,
    id: 'm-1',
    name: 'worker-0',
    phase: 'Pending' as const,
    createdAt: '2026-12-06T00:00:00Z',
    updatedAt: '2026-12-06T00:00:00Z',
  };

  it('reads requirements as stored: a key set to undefined is one left out', () => {
    const asked = {
      ...spec,
      name: 'worker-0',
      requirements: { pool: 'gpu', tags: undefined },
    };
    expect(sameMachineSpec(stored, asked)).toBe(true);
  });

  it('still tells a different requirement apart', () => {
    const asked = { ...spec, name: 'worker-0', requirements: { pool: 'cpu' } };
    expect(sameMachineSpec(stored, asked)).toBe(false);
  });
});
