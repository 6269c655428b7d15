import { LookupFunction } from 'node:net';
import { Pool } from 'undici';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface TransportOptions {
  /** PEM bundle that signs the BMC's certificate; the system CAs otherwise. */
  ca?: string;
  /** Only when the host says so explicitly. */
  insecureSkipVerify: boolean;
  timeoutMs: number;
  /** Resolves the BMC's name (default: the system's); see guardedLookup. */
  lookup?: LookupFunction;
}

/** No HTTP answer: the request failed at the connection, TLS or timeout level. */
export class TransportError extends Error {
  constructor(readonly reason: string, readonly timedOut: boolean) {
    super(reason);
    this.name = 'TransportError';
  }
}

/** One BMC's HTTP connections: TLS settings, keep-alive pool and request timeout. */
export class HttpTransport {
  private readonly pool: Pool;

  constructor(
    readonly origin: string,
    private readonly options: TransportOptions,
  ) {
    this.pool = new Pool(origin, {
      connections: 4,
      connect: {
        ca: options.ca,
        rejectUnauthorized: !options.insecureSkipVerify,
        timeout: options.timeoutMs,
        ...(options.lookup && { lookup: options.lookup }),
      },
    });
  }

  async send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
    /** Ends the request early, e.g. at the operation's deadline; its reason is thrown. */
    signal?: AbortSignal,
  ): Promise<HttpResponse> {
    const { timeoutMs } = this.options;
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const res = await this.pool.request({
        method: method as 'GET',
        path,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
      const text = await res.body.text();
      return {
        status: res.statusCode,
        headers: res.headers,
        body: parseJson(text),
      };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const e = error as { name?: string; code?: string; message?: string };
      if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
        throw new TransportError(`timed out after ${timeoutMs} ms`, true);
      }
      if (
        e?.code === 'UND_ERR_HEADERS_TIMEOUT' ||
        e?.code === 'UND_ERR_BODY_TIMEOUT' ||
        e?.code === 'UND_ERR_CONNECT_TIMEOUT'
      ) {
        throw new TransportError(`timed out after ${timeoutMs} ms`, true);
      }
      throw new TransportError(describeTransportError(e), false);
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

function parseJson(text: string): unknown {
  if (!text) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeTransportError(e: {
  code?: string;
  message?: string;
  cause?: unknown;
}): string {
  const cause = e.cause as { code?: string; message?: string } | undefined;
  const code = e.code ?? cause?.code;
  const message = cause?.message ?? e.message ?? 'unknown error';
  return code ? `${code}: ${message}` : message;
}
