import { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { isPostgres } from './dialect';

/** A statement as PostgreSQL receives it: its name and its `$n` text. */
interface Compiled {
  name: string;
  text: string;
}

/**
 * Statements compiled so far, by their `?` text. The texts are the code's
 * own (a few claim statements), so the map stays small.
 */
const compiled = new Map<string, Compiled>();

/** Connections (driver clients) and transactions that have run sessionSettings. */
const settled = new WeakSet<object>();

/**
 * No JIT compilation for the plugin's sessions. The claim statements carry
 * fallbacks (reading a whole arc of the ring when the next hosts do not
 * suit) whose estimated cost grows with the fleet; past `jit_above_cost`
 * (about 80,000 hosts) PostgreSQL compiled the statement on every run:
 * 567 ms of a 580 ms claim at 100,000 hosts, against 1.5 ms without. JIT
 * serves long analytical queries, which this plugin does not run.
 */
const sessionSettings = (local: boolean) =>
  `SET ${local ? 'LOCAL ' : ''}jit = off`;

/**
 * `knex.raw`, as a named prepared statement on PostgreSQL: each connection
 * parses and plans the statement once and reuses the plan. For the claim
 * statements (tens of kilobytes of SQL), planning took several times as long
 * as running them. The name is a hash of the text, so statements built with
 * other constants are other statements. The `?` placeholders are turned
 * into `$n` and the name computed once per text, not on every call (for a
 * 40 kB claim statement, Knex's rewriting and the hash cost about 0.15 ms of
 * the replica's CPU a claim); the bindings go to the driver as they are.
 * The connection runs sessionSettings before its first such statement.
 * The statement goes to the pooled driver connection directly, not through
 * Knex's runner, which scans the text for placeholders again and
 * prepares the bindings on every call (10-15% of a replica's CPU in a
 * claim race, docs/benchmarks.md); the result is the driver's, as
 * `knex.raw` gives it on PostgreSQL. SQLite runs it as it is.
 */
export async function preparedRaw(
  knex: Knex,
  sql: string,
  bindings: readonly Knex.RawBinding[],
): Promise<any> {
  if (!isPostgres(knex)) return knex.raw(sql, bindings);
  let statement = compiled.get(sql);
  if (!statement) {
    statement = {
      name: `beskar7_${createHash('sha256')
        .update(sql)
        .digest('hex')
        .slice(0, 32)}`,
      text: knex.client.positionBindings(sql),
    };
    compiled.set(sql, statement);
  }
  const connection = await knex.client.acquireConnection();
  try {
    // In a transaction, SET LOCAL: a rollback would undo a plain SET.
    const holder = knex.isTransaction ? knex : connection;
    if (!settled.has(holder)) {
      await connection.query(sessionSettings(Boolean(knex.isTransaction)));
      settled.add(holder);
    }
    // Knex's documented `query` event, as its runner emits it, for those who listen.
    knex.client.emit('query', {
      __knexUid: connection.__knexUid,
      __knexTxId: connection.__knexTxId,
      method: 'raw',
      sql: statement.text,
      bindings,
    });
    return await connection.query({
      name: statement.name,
      text: statement.text,
      values: bindings,
    });
  } finally {
    await knex.client.releaseConnection(connection);
  }
}
