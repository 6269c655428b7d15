import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { RiServerLine } from '@remixicon/react';
import { beskar7ApiRef, Beskar7Client } from './api';
import { isBeskar7Entity, isBeskar7PoolEntity } from './entityPredicates';
import { PageRouter } from './pageRouter';
import { rootRouteRef } from './routes';

export const beskar7Api = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: beskar7ApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new Beskar7Client({ discoveryApi, fetchApi }),
    }),
});

export const beskar7PageExtension = PageBlueprint.make({
  params: {
    path: '/beskar7',
    title: 'Bare-metal fleet',
    icon: <RiServerLine />,
    // The page draws its own PluginHeader, with its tabs.
    noHeader: true,
    routeRef: rootRouteRef,
    // The page's tabs are React Router v6 routes.
    loader: () =>
      import('./components/Beskar7Page').then(m => (
        <PageRouter>
          <m.Beskar7Page />
        </PageRouter>
      )),
  },
});

/** On entities naming a Beskar7 host or pool: those the catalog module publishes, and any annotated by hand. */
export const beskar7EntityCard = EntityCardBlueprint.make({
  name: 'bare-metal',
  params: {
    filter: isBeskar7Entity,
    loader: () =>
      import('./components/EntityCard').then(m => <m.Beskar7EntityCard />),
  },
});

/** A tab with the pool's health and hosts, on entities naming a pool. */
export const beskar7EntityContent = EntityContentBlueprint.make({
  name: 'bare-metal',
  params: {
    path: '/bare-metal',
    title: 'Bare metal',
    filter: isBeskar7PoolEntity,
    // Routed under the entity page: like the page, it says it uses React
    // Router v6.
    loader: () =>
      import('./components/EntityContent').then(m => (
        <PageRouter>
          <m.Beskar7EntityContent />
        </PageRouter>
      )),
  },
});

/** @public */
export const beskar7Plugin = createFrontendPlugin({
  pluginId: 'beskar7',
  extensions: [
    beskar7Api,
    beskar7PageExtension,
    beskar7EntityCard,
    beskar7EntityContent,
  ],
  routes: {
    root: rootRouteRef,
  },
});
