import { LoggerService } from '@backstage/backend-plugin-api';
import { BmcCircuitStatus } from '@beskar7/backstage-plugin-beskar7-common';
import { BmcAuth } from './auth';
import { backoffDelayMs, RetryPolicy } from './backoff';
import { CircuitBreaker } from './circuitBreaker';
import {
  BmcUnavailableError,
  RedfishAuthError,
  RedfishConnectionError,
  RedfishHttpError,
  RedfishSessionRefusedError,
  redfishErrorMessages,
} from './errors';
import { HttpResponse, HttpTransport, TransportError } from './transport';
import { BmcCredentials } from './types';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'DELETE']);

export type RedfishClientDeps = {
  transport: HttpTransport;
  breaker: CircuitBreaker;
  retry: RetryPolicy;
  logger?: LoggerService;
  sleep?: (ms: number) => Promise<void>;
  /** Ends every request and retry of this client when aborted. */
  signal?: AbortSignal;
} & (
  | { credentials: BmcCredentials; auth?: undefined }
  /** Another client's authentication, to share its session. */
  | { auth: BmcAuth; credentials?: undefined }
);

/**
 * Redfish requests to one BMC: authentication, retries with backoff, error
 * bodies turned into messages, and the BMC's circuit breaker around it all.
 * One instance per BMC is shared by every caller, so is its session.
 */
export class RedfishClient {
  readonly address: string;
  private readonly auth: BmcAuth;
  private readonly transport: HttpTransport;
  private readonly breaker: CircuitBreaker;
  private readonly retry: RetryPolicy;
  private readonly logger?: LoggerService;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly signal?: AbortSignal;
  private serviceRoot?: Promise<Record<string, any>>;

  constructor(deps: RedfishClientDeps) {
    this.transport = deps.transport;
    this.address = deps.transport.origin;
    this.breaker = deps.breaker;
    this.retry = deps.retry;
    this.logger = deps.logger;
    this.sleep = deps.sleep ?? (ms => new Promise(r => setTimeout(r, ms)));
    this.signal = deps.signal;
    this.auth = deps.auth
      ? deps.auth
      : new BmcAuth(deps.transport, deps.credentials, () =>
          this.rootForLogin(),
        );
  }

  /**
   * This client (session, circuit breaker) for one operation: its requests
   * and retries end when `signal` aborts, so that an operation's deadline
   * holds even against a BMC that never answers.
   */
  withSignal(signal: AbortSignal): RedfishClient {
    return new RedfishClient({
      transport: this.transport,
      breaker: this.breaker,
      retry: this.retry,
      logger: this.logger,
      sleep: this.sleep,
      signal,
      auth: this.auth,
    });
  }

  circuit(): BmcCircuitStatus {
    return this.breaker.status();
  }

  /** The service root `/redfish/v1/`, read once (it needs no authentication). */
  root(): Promise<Record<string, any>> {
    this.serviceRoot ??= this.get('/redfish/v1/', { anonymous: true }).catch(
      e => {
        this.serviceRoot = undefined;
        throw e;
      },
    );
    return this.serviceRoot;
  }

  async get<T = Record<string, any>>(
    path: string,
    options: { anonymous?: boolean } = {},
  ): Promise<T> {
    return (await this.call('GET', path, undefined, options)).body as T;
  }

  /** GET that returns undefined when the resource does not exist. */
  async getOptional<T = Record<string, any>>(
    path: string,
  ): Promise<T | undefined> {
    try {
      return await this.get<T>(path);
    } catch (e) {
      if (
        e instanceof RedfishHttpError &&
        (e.status === 404 || e.status === 410)
      ) {
        return undefined;
      }
      throw e;
    }
  }

  async post(path: string, body: unknown): Promise<HttpResponse> {
    return this.call('POST', path, body);
  }

  async patch(path: string, body: unknown): Promise<HttpResponse> {
    return this.call('PATCH', path, body);
  }

  async delete(path: string): Promise<HttpResponse> {
    return this.call('DELETE', path);
  }

  /** Deletes the session and closes the connections. */
  async close(): Promise<void> {
    await this.auth.logout();
    await this.transport.close();
  }

  private async call(
    method: string,
    path: string,
    body?: unknown,
    options: { anonymous?: boolean } = {},
  ): Promise<HttpResponse> {
    if (!this.breaker.tryAcquire()) {
      throw new BmcUnavailableError(
        this.address,
        this.breaker.retryAt(),
        this.breaker.status().lastError,
      );
    }
    let res: HttpResponse;
    try {
      res = await this.withRetries(method, path, body, options);
    } catch (e) {
      if (isBmcFailure(e)) {
        this.breaker.recordFailure((e as Error).message);
      } else if (
        e instanceof RedfishAuthError ||
        e instanceof RedfishSessionRefusedError
      ) {
        // A 401 shows the BMC is alive.
        this.breaker.recordSuccess();
      } else {
        this.breaker.release();
      }
      throw e;
    }
    const error =
      res.status >= 400
        ? new RedfishHttpError(
            this.address,
            method,
            path,
            res.status,
            redfishErrorMessages(res.body),
          )
        : undefined;
    if (error && isBmcFailure(error)) {
      this.breaker.recordFailure(error.message);
    } else if (options.anonymous) {
      // The service root often answers while everything behind the login
      // fails: its answer must not reset the count nor close a half-open breaker.
      this.breaker.release();
    } else {
      this.breaker.recordSuccess();
    }
    if (error) {
      throw error;
    }
    return res;
  }

  private async withRetries(
    method: string,
    path: string,
    body: unknown,
    options: { anonymous?: boolean },
  ): Promise<HttpResponse> {
    const safe = SAFE_METHODS.has(method);
    for (let attempt = 1; ; attempt++) {
      this.signal?.throwIfAborted();
      const last = attempt >= this.retry.maxAttempts;
      try {
        const res = await this.authorizedSend(method, path, body, options);
        if (res.status >= 500 && !last) {
          this.logger?.debug(
            `Redfish ${method} ${path} on ${this.address}: HTTP ${res.status}, retrying`,
          );
          await this.sleep(backoffDelayMs(attempt, this.retry));
          continue;
        }
        return res;
      } catch (e) {
        if (e instanceof TransportError) {
          // A timed out POST or PATCH may have been applied: do not repeat it.
          const retryable = safe || !e.timedOut;
          if (retryable && !last) {
            this.logger?.debug(
              `Redfish ${method} ${path} on ${this.address}: ${e.reason}, retrying`,
            );
            await this.sleep(backoffDelayMs(attempt, this.retry));
            continue;
          }
          throw new RedfishConnectionError(
            this.address,
            method,
            path,
            e.reason,
          );
        }
        if (e instanceof RedfishHttpError && e.status >= 500 && !last) {
          await this.sleep(backoffDelayMs(attempt, this.retry));
          continue;
        }
        throw e;
      }
    }
  }

  private async authorizedSend(
    method: string,
    path: string,
    body: unknown,
    options: { anonymous?: boolean },
  ): Promise<HttpResponse> {
    if (options.anonymous) {
      return this.transport.send(method, path, {}, body, this.signal);
    }
    const auth = await this.auth.current();
    let res = await this.transport.send(
      method,
      path,
      this.auth.headers(auth),
      body,
      this.signal,
    );
    if (res.status === 401 && auth.kind === 'session') {
      // Session expired or was deleted on the BMC: log in again once. A
      // wrong password shows in that login; a 401 after it is not one.
      this.auth.invalidate(auth);
      const fresh = await this.auth.current();
      res = await this.transport.send(
        method,
        path,
        this.auth.headers(fresh),
        body,
        this.signal,
      );
      if (res.status === 401) {
        throw new RedfishSessionRefusedError(this.address, method, path);
      }
    }
    if (res.status === 401) {
      throw new RedfishAuthError(this.address);
    }
    return res;
  }

  /** The root, or undefined where a BMC wrongly asks a login for it. */
  private async rootForLogin(): Promise<Record<string, any> | undefined> {
    try {
      return await this.root();
    } catch (e) {
      if (e instanceof RedfishHttpError && e.status === 401) return undefined;
      throw e;
    }
  }
}

/** Failures that say the BMC is unwell: no answer, or 5xx. */
function isBmcFailure(e: unknown): boolean {
  return (
    e instanceof RedfishConnectionError ||
    (e instanceof RedfishHttpError && e.status >= 500)
  );
}
