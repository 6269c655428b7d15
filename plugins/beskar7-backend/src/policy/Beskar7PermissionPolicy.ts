import { Config } from '@backstage/config';
import {
  AuthorizeResult,
  PolicyDecision,
  isPermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  beskar7ClusterReadPermission,
  beskar7HostReadPermission,
} from '@beskar7/backstage-plugin-beskar7-common';

/**
 * Everyone signed in may read (hosts and clusters); changing the fleet
 * (Beskar7 writes, runbook execution) is reserved to the users and groups
 * listed under `permission.beskar7.operators`. Other plugins' permissions
 * are allowed, as in a new app's allow-all policy; an app with a policy of
 * its own asks {@link Beskar7PermissionPolicy.decide} first.
 *
 * @public
 */
export class Beskar7PermissionPolicy implements PermissionPolicy {
  private readonly operators: Set<string>;

  /** @param operators - user and group entity refs that may change the fleet */
  constructor(operators: string[]) {
    this.operators = new Set(
      operators.map(ref => ref.toLocaleLowerCase('en-US')),
    );
  }

  /** Reads the operators from `permission.beskar7.operators`. */
  static fromConfig(config: Config): Beskar7PermissionPolicy {
    return new Beskar7PermissionPolicy(
      config.getOptionalStringArray('permission.beskar7.operators') ?? [],
    );
  }

  /**
   * The decision on a `beskar7.*` permission; `undefined` for other
   * plugins' permissions, which the caller's own policy decides.
   */
  decide(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): PolicyDecision | undefined {
    const { permission } = request;
    if (!permission.name.startsWith('beskar7.')) {
      return undefined;
    }
    if (
      isPermission(permission, beskar7HostReadPermission) ||
      isPermission(permission, beskar7ClusterReadPermission)
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    // Services have no user: they act for one (scaffolder tasks pass the
    // initiator's credentials) or only read.
    const refs = user?.info.ownershipEntityRefs ?? [];
    const isOperator = refs.some(ref =>
      this.operators.has(ref.toLocaleLowerCase('en-US')),
    );
    return {
      result: isOperator ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
    };
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    return this.decide(request, user) ?? { result: AuthorizeResult.ALLOW };
  }
}
