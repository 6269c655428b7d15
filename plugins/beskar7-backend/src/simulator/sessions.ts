import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export interface SimCredentials {
  username: string;
  password: string;
}

interface Session {
  id: string;
  token: string;
  path: string;
  createdAt: number;
}

/** Sessions and basic auth of one simulated BMC. */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly credentials: SimCredentials,
    private readonly sessionsPath: string,
  ) {}

  get open(): number {
    return this.sessions.size;
  }

  paths(): string[] {
    return [...this.sessions.values()].map(s => s.path);
  }

  login(username: unknown, password: unknown): Session | undefined {
    if (!this.matches(username, password)) {
      return undefined;
    }
    const id = randomUUID();
    const session: Session = {
      id,
      token: randomBytes(24).toString('hex'),
      path: `${this.sessionsPath}/${id}`,
      createdAt: Date.now(),
    };
    this.sessions.set(session.token, session);
    return session;
  }

  byToken(token: string | undefined): Session | undefined {
    return token ? this.sessions.get(token) : undefined;
  }

  /** Deletes the session at `path`; true when there was one. */
  deleteByPath(path: string): boolean {
    const key = path.toLowerCase().replace(/\/+$/, '');
    for (const [token, session] of this.sessions) {
      if (session.path.toLowerCase() === key) {
        this.sessions.delete(token);
        return true;
      }
    }
    return false;
  }

  expire(token: string): void {
    this.sessions.delete(token);
  }

  expireAll(): void {
    this.sessions.clear();
  }

  checkBasic(header: string | undefined): boolean {
    const match = /^Basic\s+(.+)$/i.exec(header ?? '');
    if (!match) {
      return false;
    }
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return (
      colon > 0 &&
      this.matches(decoded.slice(0, colon), decoded.slice(colon + 1))
    );
  }

  private matches(username: unknown, password: unknown): boolean {
    return (
      typeof username === 'string' &&
      typeof password === 'string' &&
      username === this.credentials.username &&
      safeEqual(password, this.credentials.password)
    );
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
