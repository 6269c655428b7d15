import { Knex } from 'knex';
import { databaseNowMsSql } from './dialect';

export const LEASES_TABLE = 'beskar7_leases';

/** A lease as stored; times are epoch milliseconds of the database's clock. */
export interface LeaseRecord {
  name: string;
  holderId?: string;
  fencingToken: number;
  acquiredAtMs: number;
  renewedAtMs: number;
  expiresAtMs: number;
}

/** LeaseStore.fenceCte: the CTE's text and its bindings. */
export interface FenceCte {
  sql: string;
  bindings: [string, string, number];
}

/**
 * Named leases in the database. Every statement is a single conditional
 * update evaluated on the database's clock, so two replicas can never both
 * believe they acquired the same lease, and a holder whose lease another
 * replica took over can no longer renew it or pass `fence`.
 */
export class LeaseStore {
  private readonly now: string;
  /** The lease (name, holder id, token bound) is held and live: what renewals and fences check. */
  private readonly heldSql: string;

  constructor(private readonly knex: Knex) {
    this.now = databaseNowMsSql(knex);
    this.heldSql = `name = ? AND holder_id = ? AND fencing_token = ? AND expires_at_ms > ${this.now}`;
  }

  async get(name: string): Promise<LeaseRecord | undefined> {
    const row = await this.knex(LEASES_TABLE).where({ name }).first();
    return (
      row && {
        name: row.name,
        holderId: row.holder_id ?? undefined,
        fencingToken: Number(row.fencing_token),
        acquiredAtMs: Number(row.acquired_at_ms),
        renewedAtMs: Number(row.renewed_at_ms),
        expiresAtMs: Number(row.expires_at_ms),
      }
    );
  }

  /**
   * Takes the lease if it is free or expired. Returns the new fencing token,
   * or undefined when someone else holds a live lease.
   */
  async tryAcquire(
    name: string,
    holderId: string,
    durationMs: number,
  ): Promise<number | undefined> {
    await this.knex(LEASES_TABLE)
      .insert({ name, holder_id: null, fencing_token: 0 })
      .onConflict('name')
      .ignore();
    const current = await this.get(name);
    if (!current) return undefined;
    const token = current.fencingToken + 1;
    const updated = await this.knex(LEASES_TABLE)
      .where({ name, fencing_token: current.fencingToken })
      .andWhere(q =>
        q
          .whereNull('holder_id')
          .orWhere('expires_at_ms', '<=', this.knex.raw(this.now)),
      )
      .update({
        holder_id: holderId,
        fencing_token: token,
        acquired_at_ms: this.knex.raw(this.now),
        renewed_at_ms: this.knex.raw(this.now),
        expires_at_ms: this.knex.raw(`${this.now} + ?`, [durationMs]),
      });
    return updated === 1 ? token : undefined;
  }

  /** Extends a live lease held with `token`; false if it expired or changed hands. */
  async renew(
    name: string,
    holderId: string,
    token: number,
    durationMs: number,
  ): Promise<boolean> {
    const updated = await this.held(this.knex, name, holderId, token).update({
      renewed_at_ms: this.knex.raw(this.now),
      expires_at_ms: this.knex.raw(`${this.now} + ?`, [durationMs]),
    });
    return updated === 1;
  }

  /** Gives the lease up at once, so another replica need not wait for it to expire. */
  async release(name: string, holderId: string, token: number): Promise<void> {
    await this.knex(LEASES_TABLE)
      .where({ name, holder_id: holderId, fencing_token: token })
      .update({ holder_id: null, expires_at_ms: 0 });
  }

  /**
   * Frees every held lease at once (split-brain recovery). The rows and
   * their fencing tokens stay: the next holder gets a higher token, so a
   * write fenced with any earlier one is still refused.
   */
  async releaseAll(): Promise<string[]> {
    return this.knex.transaction(async trx => {
      const held: Array<{ name: string }> = await trx(LEASES_TABLE)
        .whereNotNull('holder_id')
        .select('name');
      await trx(LEASES_TABLE)
        .whereIn(
          'name',
          held.map(l => l.name),
        )
        .update({ holder_id: null, expires_at_ms: 0 });
      return held.map(l => l.name);
    });
  }

  /**
   * Call inside the transaction that carries the holder's writes, as its last
   * statement: true only if `token` is still the live lease. The update locks
   * the lease row until commit, so a takeover is ordered after these writes;
   * when it returns false the caller must roll back.
   */
  async fence(
    trx: Knex.Transaction,
    name: string,
    holderId: string,
    token: number,
  ): Promise<boolean> {
    const updated = await this.held(trx, name, holderId, token).update({
      fencing_token: trx.raw('fencing_token'),
    });
    return updated === 1;
  }

  /**
   * `fence` as a CTE named `fence`, for a PostgreSQL statement that carries
   * the holder's writes: one row while `token` is the live lease, which it
   * locks until the statement's transaction commits. The writes must read
   * `fence`, so that none is made without it.
   */
  fenceCte(name: string, holderId: string, token: number): FenceCte {
    return {
      sql: `fence AS (
        UPDATE ${LEASES_TABLE} SET fencing_token = fencing_token
         WHERE ${this.heldSql}
        RETURNING 1)`,
      bindings: [name, holderId, token],
    };
  }

  private held(db: Knex, name: string, holderId: string, token: number) {
    return db(LEASES_TABLE).whereRaw(this.heldSql, [name, holderId, token]);
  }
}
