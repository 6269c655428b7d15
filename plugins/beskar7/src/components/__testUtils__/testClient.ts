import { Beskar7Client } from '../../api';

/** The real client, against whatever the test's msw server answers. */
export const testClient = new Beskar7Client({
  discoveryApi: {
    getBaseUrl: async pluginId => `http://localhost:7007/api/${pluginId}`,
  },
  fetchApi: { fetch: (input, init) => fetch(input, init) },
});
