import knexFactory, { Knex } from 'knex';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import { preparedRaw } from './preparedStatement';

const databases = createTestDatabases();

describe('preparedRaw', () => {
  it.each(databases.eachSupportedId())(
    'runs the statement with its bindings, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const sql = 'SELECT ? + 1 AS answer';
      const first = await preparedRaw(knex, sql, [41]);
      const second = await preparedRaw(knex, sql, [1]);
      const answers = [first, second].map(result =>
        Number((Array.isArray(result) ? result : result.rows)[0].answer),
      );
      expect(answers).toEqual([42, 2]);
    },
  );

  it.each(databases.eachSupportedId())(
    'reads an escaped question mark as knex.raw does, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const sql = "SELECT '\\?' AS mark, ? AS v";
      const firstRow = (result: any) =>
        (Array.isArray(result) ? result : result.rows)[0];
      for (const value of ['a', 'b']) {
        expect(firstRow(await preparedRaw(knex, sql, [value]))).toEqual(
          firstRow(await knex.raw(sql, [value])),
        );
      }
    },
  );

  it('reads an escaped question mark as a question mark on PostgreSQL', async () => {
    if (!databases.supports('POSTGRES_15')) return;
    const knex = await databases.init('POSTGRES_15');
    const { rows } = await preparedRaw(knex, "SELECT '\\?' AS mark, ? AS v", [
      'c',
    ]);
    expect(rows).toEqual([{ mark: '?', v: 'c' }]);
  });

  it("emits Knex's query event with the statement it sends, on PostgreSQL", async () => {
    if (!databases.supports('POSTGRES_15')) return;
    const knex = await databases.init('POSTGRES_15');
    const heard: Array<{ sql: string; bindings: unknown }> = [];
    const listener = (query: { sql: string; bindings: unknown }) =>
      heard.push({ sql: query.sql, bindings: query.bindings });
    knex.on('query', listener);
    try {
      await preparedRaw(knex, 'SELECT ?::int + 7 AS v', [5]);
    } finally {
      knex.off('query', listener);
    }
    expect(heard).toContainEqual({
      sql: 'SELECT $1::int + 7 AS v',
      bindings: [5],
    });
  });

  it('prepares the statement once per PostgreSQL connection, named by its text', async () => {
    if (!databases.supports('POSTGRES_15')) return;
    const created = await databases.init('POSTGRES_15');
    // One transaction: one connection, whose prepared statements are listed.
    const trx = await created.transaction();
    try {
      for (const value of [1, 2, 3]) {
        await preparedRaw(trx, 'SELECT ?::int AS v', [value]);
      }
      await preparedRaw(trx, 'SELECT ?::int + 0 AS v', [1]);
      const { rows } = await trx.raw(
        `SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'beskar7_%' ORDER BY statement`,
      );
      expect(rows.map((r: { statement: string }) => r.statement)).toEqual([
        'SELECT $1::int + 0 AS v',
        'SELECT $1::int AS v',
      ]);
      expect(new Set(rows.map((r: { name: string }) => r.name)).size).toBe(2);
    } finally {
      await trx.rollback();
    }
  });

  it('runs without JIT on its connection, and in a transaction only until it ends', async () => {
    if (!databases.supports('POSTGRES_15')) return;
    const created = await databases.init('POSTGRES_15');
    // One connection, so that the session read is the one the statement ran on.
    const single = knexFactory({
      ...created.client.config,
      pool: { min: 1, max: 1 },
    });
    try {
      const jit = async (k: Knex) => (await k.raw('SHOW jit')).rows[0].jit;
      await single.raw('SET jit = on');
      await preparedRaw(single, 'SELECT ?::int AS v', [1]);
      expect(await jit(single)).toBe('off');

      await single.raw('SET jit = on');
      await single.transaction(async trx => {
        await preparedRaw(trx, 'SELECT ?::int AS v', [2]);
        expect(await jit(trx)).toBe('off');
        // The transaction settled it: the next statement in it does not SET again.
        await preparedRaw(trx, 'SELECT ?::int AS v', [3]);
      });
      expect(await jit(single)).toBe('on');
    } finally {
      await single.destroy();
    }
  });
});
