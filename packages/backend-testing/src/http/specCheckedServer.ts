import { wrapServer } from '@backstage/backend-openapi-utils/testUtils';
import { Express } from 'express';
import { createServer, RequestListener, Server } from 'node:http';
import { spec } from '../../../../plugins/beskar7-backend/src/schema/openapi.generated';

const BASE_PATH = '/api/beskar7';

/**
 * The spec as the proxy reads it: its paths as the test backend mounts them,
 * and without string formats (date-time) and the plugin's x- words for
 * patterns, which the proxy's strict validator refuses to compile.
 */
const proxySpec = JSON.stringify(
  {
    ...spec,
    paths: Object.fromEntries(
      Object.entries(spec.paths).map(([path, item]) => [
        `${BASE_PATH}${path}`,
        item,
      ]),
    ),
  },
  function withoutFormats(this: Record<string, unknown>, key, value) {
    const format = key === 'format' && this.type === 'string';
    return format || key.startsWith('x-') ? undefined : value;
  },
);

/**
 * A test backend behind Backstage's OpenAPI test proxy (`wrapServer`): every
 * request made through the returned server, and its answer, is checked
 * against the spec, and a response the spec does not describe (its status
 * or its JSON body) fails the test that made it.
 *
 * The proxy knows only the spec's routes and JSON bodies: tests of other
 * routes (the actions registry, /metrics in Prometheus' text format) and of
 * requests that break the spec on purpose where the answer is not a 400 (a
 * 403 before parsing, 413, 415) call the backend itself.
 */
export async function specCheckedServer(backend: Server): Promise<Server> {
  const handle = backend.listeners('request')[0] as RequestListener;
  const server = createServer((req, res) => {
    if (req.url === '/openapi.json') {
      res.setHeader('Content-Type', 'application/json');
      res.end(proxySpec);
      return;
    }
    handle(req, res);
  });
  // IPv4 only: the proxy forwards to "localhost", over IPv6 when something
  // listens on ::1, and some machines' hosts files name only 127.0.0.1.
  const app = {
    listen: (port: number) => server.listen(port, '127.0.0.1'),
  } as unknown as Express;
  return wrapServer(app);
}
