import { Knex } from 'knex';

/** The key that sizes the plugin's pool, per replica. */
export const POOL_MAX_KEY =
  'backend.database.plugin.beskar7.knexConfig.pool.max';

/**
 * Connections one replica of the plugin may use at once: one per queue
 * worker (each busy worker holds one for its short transactions), one each
 * for the host and machine reconcilers, one for the claim coordinator (its
 * lease or claim transaction) and one for the API and status publishing.
 */
export function beskar7PoolSize(workerCount: number): number {
  return workerCount + 4;
}

/** The pool's configured maximum (Knex's default, 10, when unset). */
export function poolMax(knex: Knex): number {
  const pool = (knex.client.config as Knex.Config).pool;
  return pool?.max ?? 10;
}

/** What to say when the pool is smaller than the workers need; undefined when it is not. */
export function poolShortfall(
  configuredMax: number,
  workerCount: number,
): string | undefined {
  const needed = beskar7PoolSize(workerCount);
  if (configuredMax >= needed) return undefined;
  return `${POOL_MAX_KEY} is ${configuredMax}, below the ${needed} connections that ${workerCount} queue workers, the reconcilers, the claim coordinator and the API may use at once: workers will wait for connections (see docs/scaling.md#database-connections)`;
}
