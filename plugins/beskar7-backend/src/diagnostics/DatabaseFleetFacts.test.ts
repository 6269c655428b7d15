import { mockServices } from '@backstage/backend-test-utils';
import Knex from 'knex';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import { HostStore } from '../database/HostStore';
import { applyDatabaseMigrations } from '../database/migrations';
import { Reconcilers } from '../lifecycle';
import { createBeskar7Metrics } from '../metrics';
import { createQueueMetrics } from '../metrics/queueMetrics';
import { DatabaseFleetFacts } from './DatabaseFleetFacts';

describe('DatabaseFleetFacts latencies', () => {
  it('reads the p95 of reconcile passes that the reconcilers timed', async () => {
    const knex = Knex({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    const metrics = createBeskar7Metrics();
    const queueMetrics = createQueueMetrics(metrics.registry);
    const facts = new DatabaseFleetFacts({
      knex,
      metrics,
      queueMetrics,
      queueStatus: async () => {
        throw new Error('not read here');
      },
      replicas: async () => [],
      mode: 'optimistic',
    });
    expect(await facts.latencies()).toMatchObject({ reconcileSamples: 0 });

    // Passes that take about 30 ms each, timed by the real Reconcilers.
    const slowPass = {
      reconcileAll: () => new Promise<void>(r => setTimeout(r, 30)),
    };
    const reconcilers = new Reconcilers({
      hosts: slowPass as any,
      machines: slowPass as any,
      queue: {} as any,
      logger: mockServices.logger.mock(),
      intervalMs: 60_000,
      metrics: queueMetrics,
    });
    for (let i = 0; i < 3; i++) await reconcilers.reconcileAll();

    const latencies = await facts.latencies();
    expect(latencies.reconcileSamples).toBe(3);
    // Two 30 ms reconcilers per pass: no pass is faster than 60 ms.
    expect(latencies.reconcileP95Ms).toBeGreaterThan(50);
    await knex.destroy();
  });
});

const databases = createTestDatabases();

describe('DatabaseFleetFacts plain-HTTP opt-ins', () => {
  it.each(databases.eachSupportedId())(
    'lists hosts whose login goes over http:// by opt-in, whatever the scheme’s case, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const hosts = new HostStore(knex);
      const register = (
        name: string,
        address: string,
        allowPlainHttp: boolean,
      ) =>
        hosts.create({
          name,
          namespace: 'lab',
          pool: 'p',
          bmc: { address, credentialsRef: 'rack', allowPlainHttp },
        });
      await register('tls', 'https://10.0.0.1', true);
      await register('opted-in', 'http://10.0.0.2', true);
      await register('upper', 'HTTP://10.0.0.3', true);
      await register('not-opted-in', 'http://10.0.0.4', false);
      const metrics = createBeskar7Metrics();
      const facts = new DatabaseFleetFacts({
        knex,
        metrics,
        queueMetrics: createQueueMetrics(metrics.registry),
        queueStatus: async () => {
          throw new Error('not read here');
        },
        replicas: async () => [],
        mode: 'optimistic',
      });
      expect(await facts.plainHttpHosts()).toEqual([
        { namespace: 'lab', name: 'opted-in', address: 'http://10.0.0.2' },
        { namespace: 'lab', name: 'upper', address: 'HTTP://10.0.0.3' },
      ]);
    },
  );
});
