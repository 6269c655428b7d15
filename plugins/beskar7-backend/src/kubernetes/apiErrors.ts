/**
 * HTTP status of a failed Kubernetes call: ApiException carries `code`,
 * a failed watch carries `statusCode`; a connection error carries neither.
 */
export function statusCodeOf(error: unknown): number | undefined {
  const { code, statusCode } = (error ?? {}) as {
    code?: unknown;
    statusCode?: unknown;
  };
  if (typeof code === 'number') return code;
  if (typeof statusCode === 'number') return statusCode;
  return undefined;
}

/** The server's Retry-After (seconds) in ms, when a 429 or 503 carries one. */
export function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { headers?: Record<string, string> })?.headers;
  const value = Number(headers?.['retry-after']);
  return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
}

/** A short description for logs and health, without response bodies. */
export function describeError(error: unknown): string {
  const code = statusCodeOf(error);
  const message =
    error instanceof Error
      ? error.message.split('\n')[0]
      : String(error ?? 'unknown error');
  const cause = (error as { cause?: { code?: string } })?.cause?.code;
  return [code && `HTTP ${code}`, message, cause && `(${cause})`]
    .filter(Boolean)
    .join(' ');
}
