import { ConflictError } from '@backstage/errors';

/**
 * The server is registered already, as another host: a BMC endpoint plus
 * system id is one host only. Callers (the API, the Kubernetes side) tell
 * it apart from a name clash by its class, and name `existing` to the user.
 */
export class DuplicateHostError extends ConflictError {
  constructor(
    readonly existing: { id: string; namespace: string; name: string },
    what: string,
  ) {
    super(
      `${what} is registered already as host ${existing.namespace}/${existing.name} (${existing.id})`,
    );
    // `name` stays ConflictError: Backstage's error handler answers 409 by it.
  }
}

/** Error codes of a unique constraint violation (PostgreSQL, SQLite). */
const UNIQUE_VIOLATION_CODES = new Set([
  '23505',
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
]);

/**
 * Error codes worth retrying: the database refused for now (SQLite busy,
 * PostgreSQL serialization failure, deadlock, lock timeout), not for good.
 */
const TRANSIENT_CODES = new Set([
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_LOCKED',
  '40001',
  '40P01',
  '55P03',
]);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True for a unique constraint violation: the last line of defence against a double claim fired. */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && UNIQUE_VIOLATION_CODES.has(code);
}

/** True when the same statement may succeed if tried again a little later. */
export function isTransientDatabaseError(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && TRANSIENT_CODES.has(code);
}

/** PostgreSQL: the server ended the session or cannot take one now; sockets that broke. */
const CONNECTION_LOST_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
]);

/**
 * True when the connection went away under the statement (a terminated
 * backend, a restarting server). Whether a statement that was running then
 * committed is unknown: only an idempotent operation may simply be retried.
 */
export function isConnectionLost(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined) return CONNECTION_LOST_CODES.has(code);
  return /Connection terminated/i.test(String((error as Error)?.message));
}

/** Beyond a lost connection: no connection to be had (too many clients, unreachable, refused). */
const UNAVAILABLE_CODES = new Set([
  '53300',
  '08001',
  '08004',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/**
 * True when the database failed under the request, so that whether a
 * write happened is unknown: retrying later is the answer, not a 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (isConnectionLost(error)) return true;
  const code = codeOf(error);
  if (code !== undefined && UNAVAILABLE_CODES.has(code)) return true;
  const { name, message } = (error ?? {}) as {
    name?: string;
    message?: string;
  };
  return (
    name === 'KnexTimeoutError' ||
    /not currently accepting connections|the database system is (starting up|shutting down)/.test(
      String(message),
    )
  );
}
