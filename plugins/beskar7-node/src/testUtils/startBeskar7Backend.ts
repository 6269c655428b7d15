import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { BackendFeature } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';

/**
 * What {@link startBeskar7Backend} starts.
 *
 * @public
 */
export interface StartBeskar7BackendOptions {
  /**
   * The beskar7 backend plugin. Its modules' tests pass the real one: this
   * package cannot import it, the plugin depends on this package.
   */
  plugin: BackendFeature;
  /**
   * Its database: a test's own (TestDatabases registers jest hooks, so the
   * test file creates it as it loads).
   */
  knex: NonNullable<
    Parameters<typeof mockServices.database.factory>[0]
  >['knex'];
  /** How many BMCs the simulated fleet has. */
  hosts: number;
  /** What runs next to the plugin: the module under test, services. */
  features: BackendFeature[];
  /** Extension points of other plugins, as the test stands them in. */
  extensionPoints?: Parameters<typeof startTestBackend>[0]['extensionPoints'];
  /** More `beskar7` settings (the catalog's, the Kubernetes side). */
  beskar7?: Record<string, unknown>;
}

/**
 * Starts the beskar7 backend plugin on the given database with a simulated
 * fleet, fast provisioning and the real scheduler (its reconcilers run on
 * it), and the given features next to it.
 *
 * @public
 */
export function startBeskar7Backend(options: StartBeskar7BackendOptions) {
  return startTestBackend({
    extensionPoints: options.extensionPoints,
    features: [
      options.plugin,
      schedulerServiceFactory,
      mockServices.database.factory({ knex: options.knex }),
      mockServices.rootConfig.factory({
        data: {
          beskar7: {
            simulator: { enabled: true, hosts: options.hosts },
            provisioning: {
              reconcileInterval: '200ms',
              pollInterval: '50ms',
              bmcCooldownPeriod: '0s',
            },
            ...options.beskar7,
          },
        },
      }),
      ...options.features,
    ],
  });
}
