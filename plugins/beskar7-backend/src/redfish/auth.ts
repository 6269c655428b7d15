import { BmcCredentials } from './types';
import { HttpResponse } from './transport';
import {
  RedfishAuthError,
  RedfishHttpError,
  RedfishNoSessionsError,
  RedfishSessionLimitError,
  redfishErrorMessages,
  redfishMessageIds,
} from './errors';
import { linkOf, Resource } from './odata';

/** Where DSP0266 puts the sessions collection when the service root cannot be read. */
export const DEFAULT_SESSIONS_PATH = '/redfish/v1/SessionService/Sessions';
const DEFAULT_SYSTEMS_PATH = '/redfish/v1/Systems';

/** How requests to a BMC authenticate once logged in. */
export type Login =
  | { kind: 'session'; token: string; sessionPath?: string }
  | { kind: 'basic' };

/** What logging in needs from an HTTP connection to the BMC. */
export interface LoginTransport {
  readonly origin: string;
  send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<HttpResponse>;
}

/**
 * The sessions collection the service root links (`Links.Sessions`, else
 * under `SessionService`); undefined when the root links neither: the
 * service offers no sessions. An unreadable root (undefined) gets the
 * default path.
 */
export function sessionsPathOf(root: Resource | undefined): string | undefined {
  if (!root) return DEFAULT_SESSIONS_PATH;
  const sessions = linkOf(root.Links?.Sessions);
  if (sessions) return sessions;
  const service = linkOf(root.SessionService);
  return service ? `${service.replace(/\/+$/, '')}/Sessions` : undefined;
}

/**
 * Logs in the one way the client and the BMC probe share (DSP0266 "Sessions"
 * and "HTTP Basic authentication"): a session where the service root offers
 * one, HTTP Basic where it does not or where creating a session is refused
 * with 404/405/501 but Basic works. Any 2xx carrying `X-Auth-Token` is a
 * session (some BMCs answer 204). Wrong credentials, "no sessions and no
 * Basic" and "out of session slots" are told apart by their error classes.
 */
export async function logIn(
  transport: LoginTransport,
  root: Resource | undefined,
  credentials: BmcCredentials,
  signal?: AbortSignal,
): Promise<Login> {
  const path = sessionsPathOf(root);
  if (!path) return basicLogin(transport, root, credentials, signal);
  const res = await transport.send(
    'POST',
    path,
    {},
    { UserName: credentials.username, Password: credentials.password },
    signal,
  );
  const token = header(res, 'x-auth-token');
  if (res.status >= 200 && res.status < 300 && token) {
    return {
      kind: 'session',
      token,
      sessionPath:
        pathOf(header(res, 'location')) ??
        linkOf(res.body as Resource | undefined),
    };
  }
  if (
    res.status === 503 ||
    res.status === 429 ||
    redfishMessageIds(res.body).some(id => id.endsWith('SessionLimitExceeded'))
  ) {
    throw new RedfishSessionLimitError(transport.origin, res.status);
  }
  if (res.status === 401 || res.status === 403) {
    throw new RedfishAuthError(transport.origin, `HTTP ${res.status} on login`);
  }
  if (res.status === 404 || res.status === 405 || res.status === 501) {
    return basicLogin(transport, root, credentials, signal, res.status);
  }
  throw new RedfishHttpError(
    transport.origin,
    'POST',
    path,
    res.status,
    res.status < 300
      ? ['no X-Auth-Token in the answer', ...redfishErrorMessages(res.body)]
      : redfishErrorMessages(res.body),
  );
}

/** The headers that authenticate a request under `login`. */
export function authHeaders(
  login: Login,
  credentials: BmcCredentials,
): Record<string, string> {
  if (login.kind === 'session') return { 'x-auth-token': login.token };
  const { username, password } = credentials;
  return {
    authorization: `Basic ${Buffer.from(`${username}:${password}`).toString(
      'base64',
    )}`,
  };
}

/** Basic auth, tried once on the Systems collection so that a refusal is told now. */
async function basicLogin(
  transport: LoginTransport,
  root: Resource | undefined,
  credentials: BmcCredentials,
  signal: AbortSignal | undefined,
  sessionStatus?: number,
): Promise<Login> {
  const login: Login = { kind: 'basic' };
  const path = linkOf(root?.Systems) ?? DEFAULT_SYSTEMS_PATH;
  const res = await transport.send(
    'GET',
    path,
    authHeaders(login, credentials),
    undefined,
    signal,
  );
  if (res.status === 401 || res.status === 403) {
    throw sessionStatus
      ? new RedfishNoSessionsError(transport.origin, sessionStatus)
      : new RedfishAuthError(
          transport.origin,
          `HTTP Basic answered ${res.status}; the service offers no sessions`,
        );
  }
  if (res.status >= 300) {
    throw new RedfishHttpError(
      transport.origin,
      'GET',
      path,
      res.status,
      redfishErrorMessages(res.body),
    );
  }
  return login;
}

/**
 * Authentication for one BMC: one login shared by all callers, made on first
 * use and again after a 401 to a session. The password lives only here.
 */
export class BmcAuth {
  readonly #credentials: BmcCredentials;
  private login?: Login;
  private pending?: Promise<Login>;

  constructor(
    private readonly transport: LoginTransport,
    credentials: BmcCredentials,
    /** The service root, or undefined when it cannot be read anonymously. */
    private readonly root: () => Promise<Resource | undefined>,
  ) {
    this.#credentials = { ...credentials };
  }

  get usingBasicAuth(): boolean {
    return this.login?.kind === 'basic';
  }

  /** The login for a request, logging in first when there is none. */
  async current(): Promise<Login> {
    if (this.login) return this.login;
    this.pending ??= this.root()
      .then(root => logIn(this.transport, root, this.#credentials))
      .then(login => {
        this.login = login;
        return login;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  headers(login: Login): Record<string, string> {
    return authHeaders(login, this.#credentials);
  }

  /** The BMC answered 401 to this session: forget it so the next call logs in again. */
  invalidate(login: Login): void {
    if (login.kind === 'session' && this.login === login) {
      this.login = undefined;
    }
  }

  /** Deletes the session on the BMC; errors are ignored, the BMC expires it anyway. */
  async logout(): Promise<void> {
    const login = this.login;
    this.login = undefined;
    if (login?.kind === 'session' && login.sessionPath) {
      await this.transport
        .send('DELETE', login.sessionPath, { 'x-auth-token': login.token })
        .catch(() => undefined);
    }
  }
}

function header(res: HttpResponse, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Location may be absolute; requests go to the BMC's own origin anyway. */
function pathOf(location: string | undefined): string | undefined {
  if (!location) {
    return undefined;
  }
  return location.startsWith('/') ? location : new URL(location).pathname;
}
