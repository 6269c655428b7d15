import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { beskar7ApiRef, Beskar7Client } from './api';

/** Where the legacy app mounts `Beskar7Page` (`/beskar7` keeps the entity cards' links working). */
export const beskar7RouteRef = createRouteRef({ id: 'beskar7' });

/**
 * The plugin for apps on the legacy frontend system; the new system's plugin
 * is the default export of `@beskar7/backstage-plugin-beskar7/alpha`.
 *
 * @public
 */
export const beskar7Plugin = createPlugin({
  id: 'beskar7',
  apis: [
    createApiFactory({
      api: beskar7ApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new Beskar7Client({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: beskar7RouteRef },
});

/** The Beskar7 pages (overview, hosts, machines, queue, diagnostics, runbooks). @public */
export const Beskar7Page = beskar7Plugin.provide(
  createRoutableExtension({
    name: 'Beskar7Page',
    component: () =>
      import('./components/Beskar7Page').then(m => m.Beskar7Page),
    mountPoint: beskar7RouteRef,
  }),
);

/** The card for entities `isBeskar7Entity` accepts. @public */
export const EntityBeskar7Card = beskar7Plugin.provide(
  createComponentExtension({
    name: 'EntityBeskar7Card',
    component: {
      lazy: () =>
        import('./components/EntityCard').then(m => m.Beskar7EntityCard),
    },
  }),
);

/** The tab content for entities `isBeskar7PoolEntity` accepts. @public */
export const EntityBeskar7Content = beskar7Plugin.provide(
  createComponentExtension({
    name: 'EntityBeskar7Content',
    component: {
      lazy: () =>
        import('./components/EntityContent').then(m => m.Beskar7EntityContent),
    },
  }),
);
