import { createBackendModule } from '@backstage/backend-plugin-api';
import { coreServices } from '@backstage/backend-plugin-api';
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
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  beskar7ClusterReadPermission,
  beskar7HostReadPermission,
} from '@beskar7/backstage-plugin-beskar7-common';

/**
 * Everyone signed in may read (hosts and clusters); changing the fleet (Beskar7 writes, runbook
 * execution) is reserved to the users and groups listed under
 * `permission.beskar7.operators`. Other plugins' permissions are allowed, as
 * in the app template.
 */
export class Beskar7PermissionPolicy implements PermissionPolicy {
  private readonly operators: Set<string>;

  constructor(operators: string[]) {
    this.operators = new Set(
      operators.map(ref => ref.toLocaleLowerCase('en-US')),
    );
  }

  static fromConfig(config: Config): Beskar7PermissionPolicy {
    return new Beskar7PermissionPolicy(
      config.getOptionalStringArray('permission.beskar7.operators') ?? [],
    );
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (!permission.name.startsWith('beskar7.')) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (
      isPermission(permission, beskar7HostReadPermission) ||
      isPermission(permission, beskar7ClusterReadPermission)
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    const refs = user?.info.ownershipEntityRefs ?? [];
    const isOperator = refs.some(ref =>
      this.operators.has(ref.toLocaleLowerCase('en-US')),
    );
    return {
      result: isOperator ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
    };
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'beskar7-policy',
  register(reg) {
    reg.registerInit({
      deps: { config: coreServices.rootConfig, policy: policyExtensionPoint },
      async init({ config, policy }) {
        policy.setPolicy(Beskar7PermissionPolicy.fromConfig(config));
      },
    });
  },
});
