import {
  BOOT_MODES,
  CLUSTER_OS_FAMILIES,
  CONTROL_PLANE_COUNTS,
  HOST_SORT_FIELDS,
  HOST_STATES,
  JOB_STATUSES,
  LABEL_SELECTOR_OPERATORS,
  OS_FAMILIES,
  PROVISIONING_MODES,
} from '@beskar7/backstage-plugin-beskar7-common';
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

  it('allows the values the plugin knows, no more and no fewer', () => {
    const { schemas } = document.components;
    const hosts = document.paths['/hosts'].get.parameters;
    const jobs = document.paths['/queue/jobs'].get.parameters;
    const cluster = schemas.ClusterRequest.properties;
    const expression =
      schemas.LabelSelector.properties.matchExpressions.items.properties;
    expect({
      os: schemas.OsFamily.enum,
      modes: schemas.ProvisioningMode.enum,
      boot: schemas.BootMode.enum,
      states: schemas.HostState.enum,
      operators: expression.operator.enum,
      clusterOs: cluster.osFamily.enum,
      controlPlanes: cluster.controlPlaneReplicas.enum,
      orderBy: hosts.find((p: any) => p.name === 'orderBy').schema.enum,
      jobStatus: jobs.find((p: any) => p.name === 'status').schema.items.enum,
    }).toEqual({
      os: OS_FAMILIES,
      modes: PROVISIONING_MODES,
      boot: BOOT_MODES,
      states: HOST_STATES,
      operators: LABEL_SELECTOR_OPERATORS,
      clusterOs: CLUSTER_OS_FAMILIES,
      controlPlanes: CONTROL_PLANE_COUNTS,
      orderBy: HOST_SORT_FIELDS,
      jobStatus: JOB_STATUSES,
    });
  });
});
