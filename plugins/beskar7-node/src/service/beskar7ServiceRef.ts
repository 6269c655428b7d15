import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { Beskar7Client } from './Beskar7Client';
import { Beskar7Service } from './types';

/**
 * The bare-metal fleet for other backend plugins and modules: hosts, pools,
 * machine requests and host change notifications. The default implementation
 * calls the beskar7 plugin over HTTP on behalf of the given credentials.
 *
 * @public
 */
export const beskar7ServiceRef = createServiceRef<Beskar7Service>({
  id: 'beskar7.service',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
      },
      factory({ discovery, auth, logger, lifecycle }) {
        const client = new Beskar7Client({ discovery, auth, logger });
        // Pollers must not outlive the plugin that subscribed.
        lifecycle.addShutdownHook(() => client.stopSubscriptions());
        return client;
      },
    }),
});
