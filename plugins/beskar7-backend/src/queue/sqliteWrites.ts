import { Knex } from 'knex';
import { isPostgres } from '../database/dialect';

const tails = new Map<string, Promise<unknown>>();

/**
 * Runs `write` after every earlier write to the same SQLite file from this
 * process. better-sqlite3 waits for a lock synchronously: a connection
 * blocking on the write lock freezes the event loop, so another pool of the
 * same process holding that lock across an await could never release it
 * (until busy_timeout, with every lease in the process running late). One
 * writer at a time is all SQLite allows anyway. PostgreSQL is untouched.
 */
export function serializeSqliteWrite<T>(
  knex: Knex,
  write: () => Promise<T>,
): Promise<T> {
  if (isPostgres(knex)) return write();
  const connection = knex.client.config.connection as
    | { filename?: string }
    | undefined;
  const key = connection?.filename ?? ':memory:';
  const previous = tails.get(key) ?? Promise.resolve();
  const result = previous.then(write, write);
  const tail = result.catch(() => undefined);
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return result;
}
