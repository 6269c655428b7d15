import {
  AuditorService,
  HttpAuthService,
  HttpRouterService,
  PermissionsService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { Knex } from 'knex';
import { readFileSync } from 'node:fs';
import { registerActions } from '../actions/registerActions';
import { createRouter } from '../api/router';
import { Authorizer } from '../authorization';
import { KubernetesIntegration } from '../kubernetes';
import { ReplicaServices } from '../replicaServices';
import { FleetServices } from './fleetServices';
import { FleetViews } from './fleetViews';

const PACKAGE = '@beskar7/backstage-plugin-beskar7-backend';

/** The REST API and the actions, under one authorizer. */
export async function buildApi(options: {
  knex: Knex;
  httpRouter: HttpRouterService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  actionsRegistry: ActionsRegistryService;
  replica: ReplicaServices;
  views: FleetViews;
  services: FleetServices;
  kubernetes: KubernetesIntegration | undefined;
}) {
  const { httpRouter, replica, views, services, kubernetes } = options;
  const { version } = JSON.parse(
    readFileSync(resolvePackagePath(PACKAGE, 'package.json'), 'utf8'),
  );
  const authorizer = new Authorizer(
    options.httpAuth,
    options.permissions,
    options.auditor,
  );
  registerActions({
    actionsRegistry: options.actionsRegistry,
    authorizer,
    diagnostics: views.diagnostics,
    machines: services.machines,
  });
  httpRouter.use(
    await createRouter({
      knex: options.knex,
      version,
      authorizer,
      inventory: services.inventory,
      machines: services.machines,
      queue: replica.queue,
      diagnostics: views.diagnostics,
      runbooks: services.runbooks,
      metrics: replica.metrics.registry,
      clusters: services.clusterRoutes,
      kubernetesHealth: () => kubernetes?.health(),
      metricsHistory: views.metricsHistory,
    }),
  );
  httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
}
