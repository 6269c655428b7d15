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

/** What a route or an action needs of its caller: one permission or all of several. */
export type Permissions = BasicPermission | BasicPermission[];

/** A caller and, over HTTP, the request it came with (the audit log records it). */
export interface Call {
  caller: Caller;
  request?: Request;
}

/** Who started or moved something, as recorded in its history. */
export function actorOf(caller: Caller): string {
  const { principal } = caller;
  return principal.type === 'user'
    ? principal.userEntityRef
    : principal.subject;
}

/**
 * Authentication, permission checks and the audit log, for the HTTP routes
 * and the actions alike. Nothing here reads a caller's input.
 */
export class Authorizer {
  constructor(
    private readonly httpAuth: HttpAuthService,
    private readonly permissions: PermissionsService,
    private readonly auditor: AuditorService,
  ) {}

  /** The signed-in user or service behind a request. */
  authenticate(request: Request): Promise<Caller> {
    return this.httpAuth.credentials(request, { allow: ['user', 'service'] });
  }

  /** The credentials an action was called with, if they are a user's or a service's. */
  callerOf(credentials: BackstageCredentials): Caller {
    const { type } = credentials.principal as { type: string };
    if (type !== 'user' && type !== 'service') {
      throw new NotAllowedError('An anonymous caller may not do this');
    }
    return credentials as Caller;
  }

  /** Throws NotAllowedError (403) naming each permission the caller lacks. */
  async authorize(caller: Caller, permission: Permissions): Promise<void> {
    const wanted = Array.isArray(permission) ? permission : [permission];
    const decisions = await this.permissions.authorize(
      wanted.map(p => ({ permission: p })),
      { credentials: caller },
    );
    const missing = wanted.filter(
      (_, i) => decisions[i].result !== AuthorizeResult.ALLOW,
    );
    if (missing.length > 0) {
      throw new NotAllowedError(
        `Missing permission ${missing.map(p => p.name).join(', ')}`,
      );
    }
  }

  /**
   * Runs `work` inside an audit event that records who did it and how it
   * ended; `work` describes what it does (the event's meta) once it knows.
   */
  async audited<T>(
    eventId: string,
    call: Call,
    work: (describe: (meta: JsonObject) => void) => Promise<T>,
  ): Promise<T> {
    const event = await this.openEvent(eventId, {
      request: call.request,
      credentials: call.caller,
    });
    let meta: JsonObject | undefined;
    try {
      const result = await work(described => {
        meta = described;
      });
      await event.success({ meta });
      return result;
    } catch (error) {
      await event.fail({ meta, error: error as Error });
      throw error;
    }
  }

  /** Records a call refused before it started: the audit log keeps attempts too. */
  async refused(
    eventId: string,
    from: { request: Request } | { credentials: BackstageCredentials },
    error: Error,
  ): Promise<void> {
    const event = await this.openEvent(
      eventId,
      'request' in from ? from : { credentials: from.credentials },
    );
    await event.fail({ error });
  }

  private openEvent(
    eventId: string,
    from: { request?: Request; credentials?: BackstageCredentials },
  ) {
    return this.auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      ...(from.request
        ? { request: from.request }
        : { meta: { actor: describe(from.credentials!) } }),
    });
  }
}

/** Whoever it is, as the audit log names them. */
function describe(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return principal.userEntityRef ?? principal.subject ?? principal.type;
}
