import { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { isPostgres } from './dialect';

/**
 * `knex.raw`, as a named prepared statement on PostgreSQL: each connection
 * parses and plans the statement once and reuses the plan. For the claim
 * statements (tens of kilobytes of SQL), planning took several times as long
 * as running them. The name is a hash of the text, so statements built with
 * other constants are other statements. SQLite runs it as it is.
 */
export function preparedRaw(
  knex: Knex,
  sql: string,
  bindings: readonly Knex.RawBinding[],
): Knex.Raw {
  const raw = knex.raw(sql, bindings);
  if (!isPostgres(knex)) return raw;
  const name = `beskar7_${createHash('sha256')
    .update(sql)
    .digest('hex')
    .slice(0, 32)}`;
  return raw.options({ name });
}
