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
 * The BMC took the credentials (a login just worked) but answered 401 to the
 * new session as well: not a wrong password, so not a RedfishAuthError.
 */
export class RedfishSessionRefusedError extends RedfishError {
  constructor(address: string, method: string, path: string) {
    super(
      `BMC ${address} accepted the login but answered HTTP 401 to the new session on ${method} ${path}: its sessions end at once (session timeout, or another client logging this account out)`,
      address,
    );
    this.name = 'RedfishSessionRefusedError';
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
 * Reads the messages of a Redfish error body: `error.message`, then each
 * `error.@Message.ExtendedInfo[]` entry's `Message`, or its `MessageId`
 * where the BMC sends no text (iLO), without repeats.
 */
export function redfishErrorMessages(body: unknown): string[] {
  const error = (body as { error?: Record<string, unknown> } | undefined)
    ?.error;
  if (!error || typeof error !== 'object') {
    return [];
  }
  const info = error['@Message.ExtendedInfo'];
  const extended = Array.isArray(info)
    ? info.map(i => (typeof i?.Message === 'string' ? i.Message : i?.MessageId))
    : [];
  const messages = [error.message, ...extended].filter(
    (m): m is string => typeof m === 'string' && m.trim().length > 0,
  );
  return [...new Set(messages)];
}
