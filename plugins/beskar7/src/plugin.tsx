import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { beskar7ApiRef, Beskar7Client } from './api';
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
    title: 'Bare metal',
    icon: (
      <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden>
        <path
          fill="currentColor"
          d="M3 4h18v5H3zm0 6h18v5H3zm0 6h18v4H3zm3-10v1h2V6zm0 6v1h2v-1zm0 6v1h2v-1z"
        />
      </svg>
    ),
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/Beskar7Page').then(m => <m.Beskar7Page />),
  },
});

/** On the Resource entities the Beskar7 catalog module publishes. */
export const beskar7EntityCard = EntityCardBlueprint.make({
  name: 'bare-metal',
  params: {
    filter: entity =>
      entity.kind === 'Resource' &&
      ['physical-host', 'host-pool'].includes(String(entity.spec?.type)),
    loader: () =>
      import('./components/EntityCard').then(m => <m.Beskar7EntityCard />),
  },
});

/** @public */
export const beskar7Plugin = createFrontendPlugin({
  pluginId: 'beskar7',
  extensions: [beskar7Api, beskar7PageExtension, beskar7EntityCard],
  routes: {
    root: rootRouteRef,
  },
});
