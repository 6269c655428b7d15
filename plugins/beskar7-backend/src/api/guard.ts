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

  async authorize(req: Request, permission: BasicPermission): Promise<Caller> {
    const credentials = await this.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await this.permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Missing permission ${permission.name}`);
    }
    return credentials;
  }

  /** Authorizes, then runs `action` inside an audit event that records its outcome. */
  async audited<T>(
    req: Request,
    permission: BasicPermission,
    eventId: string,
    meta: JsonObject,
    action: (credentials: Caller) => Promise<T>,
  ): Promise<T> {
    const event = await this.auditor.createEvent({
      eventId,
      request: req,
      severityLevel: 'medium',
      meta,
    });
    try {
      const credentials = await this.authorize(req, permission);
      const result = await action(credentials);
      await event.success();
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }
}
