import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { beskar7ServiceRef } from '@beskar7/backstage-plugin-beskar7-node';
import { createClusterCreateAction } from './actions/createCluster';
import { createClusterDeleteAction } from './actions/deleteCluster';
import { createClusterScaleAction } from './actions/scaleCluster';
import { createMachineReleaseAction } from './actions/releaseMachine';
import { createMachineRequestAction } from './actions/requestMachine';

/**
 * Registers the `beskar7:machine:*` and `beskar7:cluster:*` scaffolder actions. They call the
 * beskar7 plugin with the task initiator's credentials, so its permissions
 * decide as they do for the portal.
 *
 * @public
 */
export const scaffolderModuleBeskar7 = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'beskar7',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        beskar7: beskar7ServiceRef,
        permissions: coreServices.permissions,
      },
      async init({ scaffolderActions, beskar7, permissions }) {
        scaffolderActions.addActions(
          createMachineRequestAction({ beskar7, permissions }),
          createMachineReleaseAction({ beskar7, permissions }),
          createClusterCreateAction({ beskar7, permissions }),
          createClusterScaleAction({ beskar7, permissions }),
          createClusterDeleteAction({ beskar7, permissions }),
        );
      },
    });
  },
});
