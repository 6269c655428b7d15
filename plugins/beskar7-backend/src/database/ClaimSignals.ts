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
 */
export class ClaimSignals {
  private connection: any;
  private stopped = true;
  private reconnect?: NodeJS.Timeout;
  private requestsWanted = false;
  /** Whether the current connection LISTENs for requests. */
  private requestsHeard = false;
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
    if (connection) {
      await this.knex.client.destroyRawConnection(connection).catch(() => {});
    }
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
          `${on ? 'LISTEN' : 'UNLISTEN'} ${CLAIM_REQUESTED_CHANNEL}`,
        );
      } catch (error) {
        this.lost(connection, error as Error);
        return;
      }
      if (connection === this.connection) this.requestsHeard = on;
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
