import {
  coreServices,
  createBackendModule,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  Beskar7Service,
  beskar7ServiceRef,
} from '@beskar7/backstage-plugin-beskar7-node';

type Input = NonNullable<
  Parameters<typeof createMockActionContext>[0]
>['input'];

/** Runs an action as the scaffolder would, and returns what it output. */
export async function runAction(
  action: TemplateAction<any, any>,
  input: Input,
  options: { user?: string; dryRun?: boolean; workspacePath?: string } = {},
) {
  const outputs: Record<string, unknown> = {};
  const ctx = createMockActionContext({
    input,
    workspacePath: options.workspacePath,
    task: { id: 'd1f9c0de-0000-4000-8000-000000000001' },
  });
  await action.handler({
    ...ctx,
    isDryRun: options.dryRun,
    getInitiatorCredentials: async () => mockCredentials.user(options.user),
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
  });
  return outputs;
}

/**
 * A scaffolder module that takes what the actions are built with from the
 * backend: start the backend with `feature`, then read `deps()`.
 */
export function actionDependencies() {
  const found: { beskar7?: Beskar7Service; permissions?: PermissionsService } =
    {};
  return {
    feature: createBackendModule({
      pluginId: 'scaffolder',
      moduleId: 'beskar7-test',
      register: reg =>
        reg.registerInit({
          deps: {
            beskar7: beskar7ServiceRef,
            permissions: coreServices.permissions,
          },
          async init(deps) {
            Object.assign(found, deps);
          },
        }),
    }),
    deps: () => found as Required<typeof found>,
  };
}
