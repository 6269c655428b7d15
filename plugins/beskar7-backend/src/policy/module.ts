import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { Beskar7PermissionPolicy } from './Beskar7PermissionPolicy';

/**
 * The permission backend's policy: {@link Beskar7PermissionPolicy} with the
 * operators of `permission.beskar7.operators`, in place of a new app's
 * allow-all policy.
 *
 * @public
 */
export const permissionModuleBeskar7Policy = createBackendModule({
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
