import { BmcCredentials } from './types';
import { HttpTransport, HttpResponse } from './transport';
import {
  RedfishAuthError,
  RedfishHttpError,
  redfishErrorMessages,
} from './errors';

export const DEFAULT_SESSIONS_PATH = '/redfish/v1/SessionService/Sessions';

type AuthHeader = { kind: 'session'; token: string } | { kind: 'basic' };

/**
 * Authentication for one BMC: a Redfish session (X-Auth-Token) shared by all
 * callers, created on first use and again after a 401, with HTTP basic auth
 * when the BMC has no session service. The password lives only here.
 */
export class BmcAuth {
  readonly #credentials: BmcCredentials;
  private mode: 'session' | 'basic' = 'session';
  private token?: string;
  private sessionPath?: string;
  private login?: Promise<AuthHeader>;

  constructor(
    private readonly transport: HttpTransport,
    credentials: BmcCredentials,
    private readonly sessionsPath: () => Promise<string>,
  ) {
    this.#credentials = { ...credentials };
  }

  get usingBasicAuth(): boolean {
    return this.mode === 'basic';
  }

  /** Headers for a request, logging in first when there is no session. */
  async current(): Promise<AuthHeader> {
    if (this.mode === 'basic') {
      return { kind: 'basic' };
    }
    if (this.token) {
      return { kind: 'session', token: this.token };
    }
    this.login ??= this.createSession().finally(() => {
      this.login = undefined;
    });
    return this.login;
  }

  headers(auth: AuthHeader): Record<string, string> {
    if (auth.kind === 'session') {
      return { 'x-auth-token': auth.token };
    }
    const { username, password } = this.#credentials;
    return {
      authorization: `Basic ${Buffer.from(`${username}:${password}`).toString(
        'base64',
      )}`,
    };
  }

  /** The BMC answered 401 to this session: forget it so the next call logs in again. */
  invalidate(auth: AuthHeader): void {
    if (auth.kind === 'session' && this.token === auth.token) {
      this.token = undefined;
      this.sessionPath = undefined;
    }
  }

  /** Deletes the session on the BMC; errors are ignored, the BMC expires it anyway. */
  async logout(): Promise<void> {
    const { token, sessionPath } = this;
    this.token = undefined;
    this.sessionPath = undefined;
    if (token && sessionPath) {
      await this.transport
        .send('DELETE', sessionPath, { 'x-auth-token': token })
        .catch(() => undefined);
    }
  }

  private async createSession(): Promise<AuthHeader> {
    const path = await this.sessionsPath();
    const res = await this.transport.send(
      'POST',
      path,
      {},
      {
        UserName: this.#credentials.username,
        Password: this.#credentials.password,
      },
    );
    if (res.status === 401 || res.status === 403) {
      throw new RedfishAuthError(this.transport.origin);
    }
    // No session service: basic auth from now on.
    if (res.status === 404 || res.status === 405 || res.status === 501) {
      this.mode = 'basic';
      return { kind: 'basic' };
    }
    const token = header(res, 'x-auth-token');
    if (res.status >= 300 || !token) {
      throw new RedfishHttpError(
        this.transport.origin,
        'POST',
        path,
        res.status,
        token
          ? redfishErrorMessages(res.body)
          : [
              'no X-Auth-Token in the answer',
              ...redfishErrorMessages(res.body),
            ],
      );
    }
    this.token = token;
    this.sessionPath =
      pathOf(header(res, 'location')) ??
      ((res.body as { '@odata.id'?: string })?.['@odata.id'] || undefined);
    return { kind: 'session', token };
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
