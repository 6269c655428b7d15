import { Knex } from 'knex';
import { applyDatabaseMigrations } from '../database/migrations';
import { createBeskar7Metrics } from '../metrics';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import { sleep } from './backoff';
import { resolveLeaderElectionTiming } from './leaderElection';
import { LeaseElector, LeaseLostError } from './LeaseElector';

const databases = createTestDatabases();

const timing = resolveLeaderElectionTiming({
  leaseDurationMs: 300,
  renewDeadlineMs: 200,
  retryPeriodMs: 50,
});

function elector(knex: Knex, holderId: string, candidate?: () => boolean) {
  const metrics = createBeskar7Metrics();
  return {
    metrics,
    elector: new LeaseElector({
      knex,
      leaseName: 'test-lease',
      holderId,
      timing,
      metrics,
      candidate,
    }),
  };
}

/** Ticks until the elector leads; bounded by the test timeout, never asserted on time. */
async function tickUntilLeader(e: LeaseElector) {
  while (e.token === undefined) {
    await e.tick();
    if (e.token === undefined) await sleep(timing.retryPeriodMs);
  }
}

describe.each(databases.eachSupportedId())('LeaseElector on %p', databaseId => {
  let knex: Knex;
  beforeEach(async () => {
    knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    await knex.schema.createTable('fenced_writes', t => t.string('by'));
  });

  it('elects one leader and fences off a deposed one', async () => {
    const a = elector(knex, 'a');
    const b = elector(knex, 'b');

    await a.elector.tick();
    await b.elector.tick();
    const tokenA = a.elector.token!;
    expect(tokenA).toBe(1);
    expect(b.elector.token).toBeUndefined();

    // a goes silent; b takes over once the lease expired on the database's clock.
    await tickUntilLeader(b.elector);
    expect(b.elector.token).toBe(tokenA + 1);

    // a's write with its old token rolls back; b's goes through.
    await expect(
      knex.transaction(async trx => {
        await trx('fenced_writes').insert({ by: 'a' });
        await a.elector.fence(trx, tokenA);
      }),
    ).rejects.toThrow(LeaseLostError);
    await knex.transaction(async trx => {
      await trx('fenced_writes').insert({ by: 'b' });
      await b.elector.fence(trx, b.elector.token!);
    });
    expect(await knex('fenced_writes').select('by')).toEqual([{ by: 'b' }]);

    // a notices at its next round and stops acting as leader.
    await a.elector.tick();
    expect(a.elector.token).toBeUndefined();
    expect(
      (await a.metrics.registry
        .getSingleMetric('beskar7_claim_coordinator_leader_election_total')!
        .get())!.values.map(v => [v.labels.event_type, v.value]),
    ).toEqual(
      expect.arrayContaining([
        ['acquired', 1],
        ['lost', 1],
      ]),
    );
  });

  it('renews while leading and hands over at once on release', async () => {
    const a = elector(knex, 'a');
    const b = elector(knex, 'b');
    await a.elector.tick();
    await a.elector.tick();
    expect(a.elector.token).toBe(1);
    await b.elector.tick();
    expect(b.elector.token).toBeUndefined();

    a.elector.start();
    await a.elector.stop();
    await b.elector.tick();
    expect(b.elector.token).toBe(2);
  });

  it('stands only while the candidacy gate allows, and hands over when it closes', async () => {
    let aMayLead = false;
    const a = elector(knex, 'a', () => aMayLead);
    const b = elector(knex, 'b', () => !aMayLead);
    await a.elector.tick();
    expect(a.elector.token).toBeUndefined();
    await b.elector.tick();
    expect(b.elector.token).toBe(1);

    // The Kubernetes Lease moved to a: b gives the database lease up at once.
    aMayLead = true;
    await a.elector.tick();
    expect(a.elector.token).toBeUndefined();
    await b.elector.tick();
    expect(b.elector.token).toBeUndefined();
    await a.elector.tick();
    expect(a.elector.token).toBe(2);

    // The gate's own election counts transitions, not the fencing lease.
    const counted = await a.metrics.registry.getSingleMetricAsString(
      'beskar7_claim_coordinator_leader_election_total',
    );
    expect(counted).toMatch(/event_type="acquired"} 0\n/);
  });
});

describe('leader election timing', () => {
  it('requires leaseDuration > renewDeadline > retryPeriod > 0', () => {
    expect(() =>
      resolveLeaderElectionTiming({ leaseDurationMs: 10, renewDeadlineMs: 10 }),
    ).toThrow(/leaseDuration > renewDeadline/);
    expect(resolveLeaderElectionTiming()).toEqual({
      leaseDurationMs: 15000,
      renewDeadlineMs: 10000,
      retryPeriodMs: 2000,
    });
  });
});
