/*
 * Hi!
 *
 * Note that this is an EXAMPLE Backstage backend. Please check the README.
 *
 * Happy hacking!
 */

import { createBackend } from '@backstage/backend-defaults';
import { ConfigSources } from '@backstage/config-loader';
import { withStartupLock } from './startupLock';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// scaffolder plugin
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);

// techdocs plugin
backend.add(import('@backstage/plugin-techdocs-backend'));

// auth plugin
backend.add(import('@backstage/plugin-auth-backend'));
// See https://backstage.io/docs/backend-system/building-backends/migrating#the-auth-plugin
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// See https://backstage.io/docs/auth/guest/provider

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

// See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permission plugin
backend.add(import('@backstage/plugin-permission-backend'));
// See https://backstage.io/docs/permissions/getting-started for how to create your own permission policy
// Everyone reads the bare-metal fleet; writes need `permission.beskar7.operators`.
backend.add(import('@beskar7/backstage-plugin-beskar7-backend/policy'));

// search plugin
backend.add(import('@backstage/plugin-search-backend'));

// search engine
// See https://backstage.io/docs/features/search/search-engines
backend.add(import('@backstage/plugin-search-backend-module-pg'));

// search collators
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// kubernetes plugin
backend.add(import('@backstage/plugin-kubernetes-backend'));

// user settings plugin
backend.add(import('@backstage/plugin-user-settings-backend'));

// notifications and signals plugins
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// mcp actions plugin
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.add(import('@beskar7/backstage-plugin-beskar7-backend'));
backend.add(
  import('@beskar7/backstage-plugin-scaffolder-backend-module-beskar7'),
);
backend.add(import('@beskar7/backstage-plugin-catalog-backend-module-beskar7'));

// Replicas started together start one at a time (startupLock.ts). A backend
// whose plugins did not all start would keep answering 503 with the plugin
// stopped: exit with the reason instead (a database it cannot reach, too
// many clients, a bad config), so that the orchestrator restarts the process.
ConfigSources.toConfig(
  ConfigSources.default({
    argv: process.argv,
    env: process.env,
    watch: false,
  }),
)
  .then(config =>
    withStartupLock(config, () => backend.start(), {
      log: message => process.stderr.write(`${message}\n`),
    }),
  )
  .catch(error => {
    process.stderr.write(`Backend failed to start: ${error?.stack ?? error}\n`);
    process.exit(1);
  });
