/**
 * Errors of the Redfish client. Messages name the BMC, the request and what
 * the BMC said; they never contain credentials or request bodies.
 */

/** Base class: every failure of the client is a RedfishError. */
export class RedfishError extends Error {
  constructor(message: string, readonly address: string) {
    super(message);
    this.name = 'RedfishError';
  }
}

/** The BMC answered with an HTTP error status. */
export class RedfishHttpError extends RedfishError {
  constructor(
    address: string,
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly messages: string[],
  ) {
    const detail = messages.length ? `: ${messages.join('; ')}` : '';
    super(
      `${method} ${path} on ${address} failed with HTTP ${status}${detail}`,
      address,
    );
    this.name = 'RedfishHttpError';
  }
}

/** The BMC rejected the credentials. */
export class RedfishAuthError extends RedfishError {
  constructor(address: string, how = 'HTTP 401') {
    super(`BMC ${address} rejected the credentials (${how})`, address);
    this.name = 'RedfishAuthError';
  }
}

/**
 * The BMC creates no sessions (its session service answered `status`) and
 * refused HTTP Basic as well: nothing says whether the password is wrong.
 */
export class RedfishNoSessionsError extends RedfishError {
  constructor(address: string, readonly status: number) {
    super(
      `BMC ${address} offers no sessions (creating one answered HTTP ${status}) and refused HTTP Basic authentication`,
      address,
    );
    this.name = 'RedfishNoSessionsError';
  }
}

/** The BMC has no free session slot (Redfish `SessionLimitExceeded`, or 503 on login). */
export class RedfishSessionLimitError extends RedfishError {
  constructor(address: string, readonly status: number) {
    super(
      `BMC ${address} is out of session slots (HTTP ${status} on login): log stale sessions out or reset the management controller`,
      address,
    );
    this.name = 'RedfishSessionLimitError';
  }
}

/** No answer: connection refused or dropped, TLS failure, or timeout. */
export class RedfishConnectionError extends RedfishError {
  constructor(
    address: string,
    readonly method: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${method} ${path} on ${address} got no answer: ${reason}`, address);
    this.name = 'RedfishConnectionError';
  }
}

/** The circuit breaker is open: the BMC failed repeatedly and is left alone for a while. */
export class BmcUnavailableError extends RedfishError {
  constructor(address: string, readonly retryAt: Date, lastError?: string) {
    const cause = lastError ? ` (last error: ${lastError})` : '';
    super(
      `BMC ${address} is unavailable until ${retryAt.toISOString()} after repeated failures${cause}`,
      address,
    );
    this.name = 'BmcUnavailableError';
  }
}

/** The BMC lacks something the operation needs, or did not take a setting. */
export class RedfishUnsupportedError extends RedfishError {
  constructor(address: string, what: string) {
    super(`BMC ${address}: ${what}`, address);
    this.name = 'RedfishUnsupportedError';
  }
}

/** The `MessageId`s of a Redfish error body's extended info. */
export function redfishMessageIds(body: unknown): string[] {
  const info = (body as { error?: Record<string, unknown> } | undefined)
    ?.error?.['@Message.ExtendedInfo'];
  return Array.isArray(info)
    ? info
        .map(i => i?.MessageId)
        .filter((id): id is string => typeof id === 'string')
    : [];
}

/**
 * Reads the messages of a Redfish error body
 * (`error.message` and `error.@Message.ExtendedInfo[].Message`).
 */
export function redfishErrorMessages(body: unknown): string[] {
  const error = (body as { error?: Record<string, unknown> } | undefined)
    ?.error;
  if (!error || typeof error !== 'object') {
    return [];
  }
  const info = error['@Message.ExtendedInfo'];
  const extended = Array.isArray(info)
    ? info
        .map(i => (typeof i?.Message === 'string' ? i.Message : i?.MessageId))
        .filter((m): m is string => typeof m === 'string' && m.length > 0)
    : [];
  if (extended.length) {
    return extended;
  }
  return typeof error.message === 'string' ? [error.message] : [];
}
