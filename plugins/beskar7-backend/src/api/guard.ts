import {
  AuditorService,
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import { Request } from 'express';

/** Whoever called: a signed-in user or another service. */
export type Caller = BackstageCredentials<
  BackstageUserPrincipal | BackstageServicePrincipal
>;

/**
 * Every route goes through here: authenticate, check the route's permission,
 * and, for writes, record who did what and how it ended in the audit log.
 */
export class RouteGuard {
  constructor(
    private readonly httpAuth: HttpAuthService,
    private readonly permissions: PermissionsService,
    private readonly auditor: AuditorService,
  ) {}

  /**
   * Authenticates a request (or takes the credentials an action was called
   * with) and checks the permission for whoever it is.
   */
  async authorize(
    from: Request | BackstageCredentials,
    permission: BasicPermission | BasicPermission[],
  ): Promise<Caller> {
    const credentials = isCredentials(from)
      ? asCaller(from)
      : await this.httpAuth.credentials(from, { allow: ['user', 'service'] });
    const wanted = Array.isArray(permission) ? permission : [permission];
    const decisions = await this.permissions.authorize(
      wanted.map(p => ({ permission: p })),
      { credentials },
    );
    const missing = wanted.filter(
      (_, i) => decisions[i].result !== AuthorizeResult.ALLOW,
    );
    if (missing.length > 0) {
      throw new NotAllowedError(
        `Missing permission ${missing.map(p => p.name).join(', ')}`,
      );
    }
    return credentials;
  }

  /** Authorizes, then runs `action` inside an audit event that records its outcome. */
  audited<T>(
    from: Request | BackstageCredentials,
    permission: BasicPermission | BasicPermission[],
    eventId: string,
    meta: JsonObject,
    action: (credentials: Caller) => Promise<T>,
  ): Promise<T> {
    return this.auditedInput(
      from,
      permission,
      eventId,
      { parse: () => undefined, meta: () => meta },
      (_input, credentials) => action(credentials),
    );
  }

  /**
   * Authorizes, then reads the caller's input with `input.parse`, then runs
   * `action` inside an audit event. The input is read only once the caller
   * is allowed: someone without the permission learns nothing of its fields.
   */
  async auditedInput<I, T>(
    from: Request | BackstageCredentials,
    permission: BasicPermission | BasicPermission[],
    eventId: string,
    input: { parse: () => I; meta: (input: I) => JsonObject },
    action: (input: I, credentials: Caller) => Promise<T>,
  ): Promise<T> {
    const event = await this.auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      ...(isCredentials(from)
        ? { meta: { actor: describe(from) } }
        : { request: from }),
    });
    let meta: JsonObject | undefined;
    try {
      const credentials = await this.authorize(from, permission);
      const parsed = input.parse();
      meta = input.meta(parsed);
      const result = await action(parsed, credentials);
      await event.success({ meta });
      return result;
    } catch (error) {
      await event.fail({ meta, error: error as Error });
      throw error;
    }
  }
}

function isCredentials(
  from: Request | BackstageCredentials,
): from is BackstageCredentials {
  return '$$type' in from;
}

function asCaller(credentials: BackstageCredentials): Caller {
  const { type } = credentials.principal as { type: string };
  if (type !== 'user' && type !== 'service') {
    throw new NotAllowedError('An anonymous caller may not do this');
  }
  return credentials as Caller;
}

function describe(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return principal.userEntityRef ?? principal.subject ?? principal.type;
}
