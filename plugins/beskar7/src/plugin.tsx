import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';

import { rootRouteRef } from './routes';

export const page = PageBlueprint.make({
  params: {
    path: '/beskar7',
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/TodoPage').then(m => (
        <m.TodoPage />
      )),
  },
});

export const beskar7Plugin = createFrontendPlugin({
  pluginId: 'beskar7',
  extensions: [page],
  routes: {
    root: rootRouteRef,
  }
});
