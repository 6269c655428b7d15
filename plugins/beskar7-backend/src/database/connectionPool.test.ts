import { knex as createKnex } from 'knex';
import { beskar7PoolSize, poolMax, poolShortfall } from './connectionPool';

describe('connection pool size', () => {
  it('grows with the queue workers', () => {
    expect(beskar7PoolSize(4)).toBe(8);
    expect(beskar7PoolSize(8)).toBe(12);
  });

  it('names the key when the pool is too small for the workers', () => {
    expect(poolShortfall(8, 4)).toBeUndefined();
    expect(poolShortfall(10, 8)).toMatch(
      /^backend\.database\.plugin\.beskar7\.knexConfig\.pool\.max is 10, below the 12 connections/,
    );
  });

  it('reads the configured maximum, or Knex’s default', () => {
    const client = { client: 'pg', connection: 'postgresql://localhost/x' };
    expect(poolMax(createKnex({ ...client, pool: { min: 0, max: 6 } }))).toBe(
      6,
    );
    expect(poolMax(createKnex(client))).toBe(10);
  });
});
