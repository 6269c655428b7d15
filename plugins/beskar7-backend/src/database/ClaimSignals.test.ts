import { Knex } from 'knex';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { insertPendingMachines } from '@beskar7/backend-testing/fleet';
import { CLAIM_REQUESTS_TABLE, ClaimRequestStore } from './ClaimRequestStore';
import { applyDatabaseMigrations } from './migrations';
import {
  CLAIM_ANSWERED_CHANNEL,
  CLAIM_REQUESTED_CHANNEL,
  ClaimAnswers,
  ClaimSignals,
} from './ClaimSignals';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** Signals on `knex` that record what they hear. */
function recording(knex: Knex) {
  const heard = { requests: 0, answers: [] as ClaimAnswers[] };
  const signals = new ClaimSignals(
    knex,
    {
      requested: () => heard.requests++,
      answered: answers => heard.answers.push(answers),
    },
    undefined,
    20,
  );
  return { signals, heard };
}

describe('ClaimSignals', () => {
  const postgres = databases
    .eachSupportedId()
    .filter(([id]) => id.startsWith('POSTGRES'));

  it.each(postgres)(
    'wakes only the replicas that hear requests, across a change of leader and a lost connection, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const a = recording(knex);
      const b = recording(knex);
      let round = 0;
      /**
       * A request then an answer; each listener gets them in that order, so
       * once both have the answer, a request not heard was never sent to it.
       */
      const notifyBoth = async () => {
        const answered = ++round;
        await knex.raw('SELECT pg_notify(?, ?)', [CLAIM_REQUESTED_CHANNEL, '']);
        await knex.raw('SELECT pg_notify(?, ?)', [
          CLAIM_ANSWERED_CHANNEL,
          JSON.stringify({ [`m-${answered}`]: null }),
        ]);
        for (const { heard } of [a, b]) {
          await eventually(
            () => heard.answers.length,
            n => n === answered,
            {
              intervalMs: 10,
              timeoutMs: 10_000,
              what: `answer ${answered}`,
            },
          );
        }
        return [a.heard.requests, b.heard.requests];
      };
      try {
        await a.signals.start();
        await b.signals.start();
        await a.signals.hearRequests(true);
        expect([a.signals.listening, b.signals.listening]).toEqual([
          true,
          true,
        ]);
        expect(await notifyBoth()).toEqual([1, 0]);

        // The lease changes hands.
        await a.signals.hearRequests(false);
        await b.signals.hearRequests(true);
        expect(await notifyBoth()).toEqual([1, 1]);

        // Both listeners' connections are cut; each comes back as it was.
        const listeners = async (): Promise<number[]> =>
          (
            await knex.raw(
              `SELECT pid FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid()
                  AND query ILIKE '%LISTEN%'`,
            )
          ).rows.map((row: { pid: number }) => row.pid);
        const cut = await listeners();
        expect(cut).toHaveLength(2);
        await knex.raw(
          'SELECT pg_terminate_backend(pid) FROM unnest(?::int[]) pid',
          [cut],
        );
        await eventually(
          async () => (await listeners()).filter(pid => !cut.includes(pid)),
          fresh => fresh.length === 2,
          { intervalMs: 10, timeoutMs: 10_000, what: 'both to reconnect' },
        );
        await eventually(
          () => [a.signals.listening, b.signals.listening],
          both => both.every(Boolean),
          { intervalMs: 10, timeoutMs: 10_000, what: 'both to listen again' },
        );
        expect(await notifyBoth()).toEqual([1, 2]);
      } finally {
        await a.signals.stop();
        await b.signals.stop();
      }
    },
  );

  it.each(postgres)(
    'has requests wake the leader only while it rests, and lets it rest only once every request that found it at work has committed, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const [m1, m2, m3] = (
        await insertPendingMachines(knex, { count: 3 })
      ).map(m => m.id);
      const leader = recording(knex);
      const requests = new ClaimRequestStore(knex);
      let answers = 0;
      /** Requests heard so far: all that were notified, being heard before a later answer. */
      const requestsHeard = async () => {
        await knex.raw('SELECT pg_notify(?, ?)', [
          CLAIM_ANSWERED_CHANNEL,
          JSON.stringify({}),
        ]);
        const answered = ++answers;
        await eventually(
          () => leader.heard.answers.length,
          n => n === answered,
          { intervalMs: 10, timeoutMs: 10_000, what: `answer ${answered}` },
        );
        return leader.heard.requests;
      };
      let commitLate: Knex.Transaction | undefined;
      try {
        await leader.signals.start();
        await leader.signals.hearRequests(true);
        await leader.signals.atWork();
        await requests.enqueue(m1, 'replica-1');
        expect(await requestsHeard()).toBe(0);

        // A request queued while the leader works, not yet committed.
        commitLate = await knex.transaction();
        await new ClaimRequestStore(commitLate).enqueue(m2, 'replica-1');
        let rested: boolean | undefined;
        const resting = leader.signals.resting().then(r => {
          rested = r;
        });
        await new Promise(resolve => setTimeout(resolve, 300));
        expect(rested).toBeUndefined();
        await commitLate.commit();
        await resting;
        expect(rested).toBe(true);
        // The leader's next read of the queue sees it, though nobody was woken.
        expect(
          await knex(CLAIM_REQUESTS_TABLE)
            .whereIn('machine_id', [m1, m2])
            .pluck('machine_id'),
        ).toEqual(expect.arrayContaining([m1, m2]));
        expect(await requestsHeard()).toBe(0);

        // Resting, the leader is woken by the next request.
        await requests.enqueue(m3, 'replica-1');
        expect(await requestsHeard()).toBe(1);
      } finally {
        if (commitLate && !commitLate.isCompleted())
          await commitLate.rollback();
        await leader.signals.stop();
      }
    },
  );
});
