import { LoggerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { isPostgres } from './dialect';

/** Channel on which a queued claim request wakes the leader. */
export const CLAIM_REQUESTED_CHANNEL = 'beskar7_claim_requested';
/** Channel on which the leader tells requesters which machines it answered. */
export const CLAIM_ANSWERED_CHANNEL = 'beskar7_claim_answered';

/**
 * Machines a committed batch answered: the host each got, or null when the
 * request was answered otherwise (no host fits: the requester reads it).
 */
export type ClaimAnswers = Record<string, string | null>;

/**
 * Answers per notification on CLAIM_ANSWERED_CHANNEL: a payload must stay
 * under PostgreSQL's 8,000 bytes, about 90 answers. Sent with pg_notify
 * inside the batch's statement: NOTIFY is transactional, so a batch that
 * is fenced off tells nobody anything.
 */
export const ANSWERS_PER_NOTIFICATION = 80;

/**
 * Session advisory locks (PostgreSQL) by which requesters tell whether the
 * leader must be woken, as `pg_advisory_lock(CLAIM_LOCK_SPACE, key)`:
 * `atWork`, held by the leader's listening connection while it serves;
 * `requesting`, held shared by every request being queued until it commits.
 */
const CLAIM_LOCK_SPACE = 1647798115;
const CLAIM_LOCKS = { atWork: 1, requesting: 2 } as const;

const lock = (key: keyof typeof CLAIM_LOCKS) =>
  `${CLAIM_LOCK_SPACE}, ${CLAIM_LOCKS[key]}`;

/**
 * For the statement that queues a request: a CTE `requesting` taking the
 * requesting lock, to be read before the request is written, and the
 * condition under which it notifies CLAIM_REQUESTED_CHANNEL: the leader is
 * not at work. (NOTIFY serializes the commits of every notifying
 * transaction of the database, and wakes every listening session: a
 * notification for each request was most of a leader-mode claim's cost.)
 */
export const REQUESTING_CTE_SQL = `requesting AS (
    SELECT pg_advisory_xact_lock_shared(${lock('requesting')}))`;
export const LEADER_RESTING_SQL = `pg_try_advisory_xact_lock_shared(${lock(
  'atWork',
)})`;

export interface ClaimSignalHandlers {
  /** A claim request was queued (by any replica), while requests are heard. */
  requested(): void;
  /** A batch committed; `answers` names the machines it answered. */
  answered(answers: ClaimAnswers): void;
}

/**
 * Listens for claim notifications on a connection of its own (PostgreSQL
 * LISTEN), so that the leader serves a request as soon as it is queued and
 * requesters learn their answers as soon as the batch commits, instead of
 * each polling. Polling stays as the fallback: `listening` is false while
 * the connection is down (it reconnects) and always on SQLite.
 *
 * Requests are heard only where `hearRequests(true)` asks (the leader):
 * PostgreSQL delivers each notification to every listener, so with every
 * replica listening each queued request woke every replica's session and
 * process, though only the leader acts on it.
 *
 * Requesters notify only while the leader rests: while it serves batches
 * back to back it reads the queue anyway. The leader's connection holds the
 * atWork lock while it works (`atWork`), and a request is notified only if
 * that lock is free when it is queued (REQUESTING_CTE_SQL). Before it waits,
 * the leader lets the lock go and then takes the requesting lock alone for
 * a moment (`resting`): every request that found it at work has committed
 * by then, and the leader reads the queue once more, so no request is left
 * waiting for a poll.
 */
export class ClaimSignals {
  private connection: any;
  private stopped = true;
  private reconnect?: NodeJS.Timeout;
  private requestsWanted = false;
  /** Whether the current connection LISTENs for requests. */
  private requestsHeard = false;
  /** Whether the current connection holds the atWork lock. */
  private holdsAtWork = false;
  private syncing?: Promise<void>;

  constructor(
    private readonly knex: Knex,
    private readonly handlers: ClaimSignalHandlers,
    private readonly logger?: LoggerService,
    private readonly reconnectMs = 1000,
  ) {}

  /** True while notifications arrive as asked: answers, and requests if wanted. */
  get listening(): boolean {
    return (
      this.connection !== undefined &&
      this.requestsHeard === this.requestsWanted
    );
  }

  /** Starts or stops hearing queued requests; kept across reconnects. */
  async hearRequests(on: boolean): Promise<void> {
    this.requestsWanted = on;
    if (this.connection && (this.requestsHeard !== on || this.syncing)) {
      await this.syncRequests();
    }
  }

  async start(): Promise<void> {
    if (!isPostgres(this.knex) || !this.stopped) return;
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnect);
    const connection = this.connection;
    this.connection = undefined;
    this.requestsHeard = false;
    this.holdsAtWork = false;
    if (connection) {
      await this.knex.client.destroyRawConnection(connection).catch(() => {});
    }
  }

  /**
   * The leader is about to serve: requesters stop notifying. If the lock
   * cannot be had (a requester holds it for a moment, or a former leader's
   * session still does), requesters go on notifying: only more
   * notifications, and the next call tries again.
   */
  async atWork(): Promise<void> {
    const connection = this.connection;
    if (!connection || !this.requestsHeard || this.holdsAtWork) return;
    try {
      const { rows } = await connection.query(
        `SELECT pg_try_advisory_lock(${lock('atWork')}) AS held`,
      );
      if (connection === this.connection) this.holdsAtWork = rows[0].held;
    } catch (error) {
      this.lost(connection, error as Error);
    }
  }

  /**
   * The leader is about to wait: requesters notify from now on, and every
   * request that did not (it found the leader at work) has committed when
   * this returns true; the leader must then read the queue once more
   * before it waits. False: not listening, the leader polls.
   */
  async resting(): Promise<boolean> {
    const connection = this.connection;
    if (!connection) return false;
    try {
      await connection.query(
        `SELECT ${
          this.holdsAtWork ? `pg_advisory_unlock(${lock('atWork')}),` : ''
        }
                pg_advisory_lock(${lock('requesting')}),
                pg_advisory_unlock(${lock('requesting')})`,
      );
    } catch (error) {
      this.lost(connection, error as Error);
      return false;
    }
    this.holdsAtWork = false;
    return connection === this.connection;
  }

  private async connect(): Promise<void> {
    let connection: any;
    try {
      connection = await this.knex.client.acquireRawConnection();
      connection.on(
        'notification',
        (message: { channel: string; payload?: string }) =>
          this.receive(message),
      );
      connection.on('error', (error: Error) => this.lost(connection, error));
      connection.on('end', () => this.lost(connection));
      await connection.query(`LISTEN ${CLAIM_ANSWERED_CHANNEL}`);
      if (this.stopped) {
        await this.knex.client.destroyRawConnection(connection);
        return;
      }
      this.connection = connection;
      this.requestsHeard = false;
    } catch (error) {
      this.lost(connection, error as Error);
      return;
    }
    await this.syncRequests();
  }

  /** Brings the connection's LISTEN for requests to what is wanted, one change at a time. */
  private syncRequests(): Promise<void> {
    this.syncing ??= this.applyRequests().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  private async applyRequests(): Promise<void> {
    while (this.connection && this.requestsHeard !== this.requestsWanted) {
      const connection = this.connection;
      const on = this.requestsWanted;
      try {
        await connection.query(
          on
            ? `LISTEN ${CLAIM_REQUESTED_CHANNEL}`
            : `UNLISTEN ${CLAIM_REQUESTED_CHANNEL}; SELECT pg_advisory_unlock_all()`,
        );
      } catch (error) {
        this.lost(connection, error as Error);
        return;
      }
      if (connection === this.connection) {
        this.requestsHeard = on;
        if (!on) this.holdsAtWork = false;
      }
    }
  }

  private receive(message: { channel: string; payload?: string }) {
    if (message.channel === CLAIM_REQUESTED_CHANNEL) {
      this.handlers.requested();
    } else if (message.channel === CLAIM_ANSWERED_CHANNEL) {
      try {
        this.handlers.answered(JSON.parse(message.payload ?? '{}'));
      } catch {
        // Not a payload of ours: the requesters' poll still answers them.
      }
    }
  }

  private lost(connection: any, error?: Error) {
    if (connection && connection !== this.connection && this.connection) return;
    this.connection = undefined;
    this.requestsHeard = false;
    this.holdsAtWork = false;
    if (connection) {
      this.knex.client.destroyRawConnection(connection).catch(() => {});
    }
    if (this.stopped || this.reconnect) return;
    this.logger?.warn(
      `Claim notifications lost${
        error ? ` (${error.message})` : ''
      }; polling until they are back`,
    );
    this.reconnect = setTimeout(() => {
      this.reconnect = undefined;
      if (!this.stopped) this.connect();
    }, this.reconnectMs);
  }
}
