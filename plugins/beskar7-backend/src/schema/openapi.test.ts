import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { createRouter } from '../api/router';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every route the express router serves, as `METHOD /path/{param}`. */
async function servedRoutes(): Promise<string[]> {
  const router = await createRouter({} as Parameters<typeof createRouter>[0]);
  const routes: string[] = [];
  // Routes sit in routers mounted at the root (open routes, gated routes).
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.handle?.stack) walk(layer.handle.stack);
      if (!layer.route) continue;
      for (const method of Object.keys(layer.route.methods)) {
        const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
        routes.push(`${method.toUpperCase()} ${path}`);
      }
    }
  };
  walk((router as any).stack);
  // The spec itself, served by createOpenApiRouter.
  return routes.filter(route => route !== 'GET /openapi.json').sort();
}

describe('OpenAPI document', () => {
  const document = parse(
    readFileSync(resolve(__dirname, 'openapi.yaml'), 'utf8'),
  );

  it('documents exactly the routes the router serves', async () => {
    const documented = Object.entries(document.paths as Record<string, object>)
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter(key => METHODS.includes(key))
          .map(method => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    expect(documented).toEqual(await servedRoutes());
  });

  it('resolves every reference', () => {
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const path = ref.slice(8, -1).replace(/^#\//, '').split('/');
      const target = path.reduce<any>((node, key) => node?.[key], document);
      expect([ref, target !== undefined]).toEqual([ref, true]);
    }
  });
});
