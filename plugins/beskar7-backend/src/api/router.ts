import {
  beskar7CredentialUsePermission,
  beskar7HostOperatePermission,
  beskar7HostReadPermission,
  beskar7HostUpdatePermission,
  beskar7MachineCreatePermission,
  beskar7MachineReleasePermission,
  beskar7QueueManagePermission,
  KubernetesHealth,
} from '@beskar7/backstage-plugin-beskar7-common';
import { ServiceUnavailableError } from '@backstage/errors';
import express from 'express';
import { Knex } from 'knex';
import { Registry } from 'prom-client';
import { validateProvisioningConfig } from '../config';
import { isDatabaseUnavailable } from '../database/errors';
import { DiagnosticsService } from '../diagnostics';
import { InventoryService } from '../inventory/InventoryService';
import { MachineService } from '../machines/MachineService';
import { MetricsHistory } from '../metrics/MetricsHistory';
import { ProvisioningQueue } from '../queue';
import { RunbookEngine } from '../runbooks';
import { Authorizer, AuthorizedRunbooks } from '../authorization';
import { AuthorizedRoutes } from './AuthorizedRoutes';
import { addClusterRoutes, ClusterRouteServices } from './clusterRoutes';
import { addRunbookRoutes } from './runbookRoutes';
import { checkHealth } from './health';
import { createOpenApiRouter } from '../schema/openapi.generated';
import {
  parseListHostsQuery,
  parseMachineRequest,
  parseListMachinesQuery,
  parseRegisterHost,
  parseJobsQuery,
  parseUpdateHost,
  plausibleId,
} from './validation';

/** When a client should try again after the database failed under its request. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

export interface RouterOptions {
  knex: Knex;
  version: string;
  authorizer: Authorizer;
  inventory: InventoryService;
  machines: MachineService;
  queue: Pick<
    ProvisioningQueue,
    'status' | 'listJobs' | 'pause' | 'resume' | 'drain'
  >;
  diagnostics: Pick<DiagnosticsService, 'report'>;
  runbooks: RunbookEngine;
  metrics: Registry;
  metricsHistory: Pick<MetricsHistory, 'summary'>;
  /** Cluster API clusters, when the Kubernetes side is enabled. */
  clusters?: ClusterRouteServices;
  /** The Kubernetes side's health, when it is enabled. */
  kubernetesHealth?: () => KubernetesHealth | undefined;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { knex, version, inventory, machines, queue, diagnostics } = options;
  const { metrics } = options;
  const routes = new AuthorizedRoutes(
    options.authorizer,
    await createOpenApiRouter({
      validatorOptions: {
        // Tokens are Backstage's httpAuth's to check, not the validator's.
        validateSecurity: false,
        // Every bad field in one answer; the rest as Backstage sets it.
        validateRequests: {
          allErrors: true,
          coerceTypes: false,
          allowUnknownQueryParameters: false,
        },
      },
    }),
  );
  const read = { permission: beskar7HostReadPermission };

  routes.public('/health', async (_req, res) => {
    const health = await checkHealth(
      knex,
      version,
      options.kubernetesHealth?.(),
    );
    // Only the database takes the plugin out: without the API server it
    // keeps claiming and provisioning, and says so in the body.
    res.status(health.database.reachable ? 200 : 503).json(health);
  });

  routes.get('/metrics', read, async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });

  routes.get('/metrics/summary', read, async (req, res) => {
    // The spec bounds the window and defaults it.
    const windowMinutes = req.query.windowMinutes!;
    res.json(await options.metricsHistory.summary(windowMinutes * 60_000));
  });

  routes.get('/hosts', read, async (req, res) => {
    res.json(await inventory.listHosts(parseListHostsQuery(req.query)));
  });

  routes.post(
    '/hosts',
    {
      // Naming a credential sends it to the BMC: its own permission.
      permission: [beskar7HostUpdatePermission, beskar7CredentialUsePermission],
      audit: 'host-register',
    },
    async (req, res, call) => {
      const request = parseRegisterHost(req.body);
      const { namespace, name } = request;
      const host = await call.audited({ namespace, name }, () =>
        inventory.registerHost(request),
      );
      res.status(201).json(host);
    },
  );

  routes.get('/hosts/:id', read, async (req, res) => {
    res.json(await inventory.getHost(plausibleId(req.params.id)));
  });

  routes.patch(
    '/hosts/:id',
    { permission: beskar7HostUpdatePermission, audit: 'host-update' },
    async (req, res, call) => {
      const hostId = plausibleId(req.params.id);
      const patch = parseUpdateHost(req.body);
      // A TLS change is recorded as it is: a host may stop verifying.
      const meta = {
        hostId,
        fields: Object.keys(patch),
        ...(patch.bmc && { bmcTls: patch.bmc }),
      };
      res.json(
        await call.audited(meta, () => inventory.updateHost(hostId, patch)),
      );
    },
  );

  routes.delete(
    '/hosts/:id',
    { permission: beskar7HostOperatePermission, audit: 'host-delete' },
    async (req, res, call) => {
      const hostId = plausibleId(req.params.id);
      await call.audited({ hostId }, () => inventory.deleteHost(hostId));
      res.status(204).end();
    },
  );

  for (const action of ['release', 'recover'] as const) {
    routes.post(
      `/hosts/:id/${action}`,
      { permission: beskar7HostOperatePermission, audit: `host-${action}` },
      async (req, res, call) => {
        const hostId = plausibleId(req.params.id);
        res.json(
          await call.audited({ hostId }, () =>
            action === 'release'
              ? inventory.releaseHost(hostId)
              : inventory.recoverHost(hostId),
          ),
        );
      },
    );
  }

  routes.get('/pools', read, async (_req, res) => {
    res.json({ items: await inventory.pools() });
  });

  routes.get('/machines', read, async (req, res) => {
    const { id, ...page } = parseListMachinesQuery(req.query);
    res.json(await machines.list(page, id));
  });

  routes.post(
    '/machines',
    { permission: beskar7MachineCreatePermission, audit: 'machine-request' },
    async (req, res, call) => {
      const request = parseMachineRequest(req.body);
      const { namespace, name } = request;
      const { machine, created } = await call.audited({ namespace, name }, () =>
        machines.request(request),
      );
      res.status(created ? 201 : 200).json(machine);
    },
  );

  routes.get('/machines/:id', read, async (req, res) => {
    res.json(await machines.get(plausibleId(req.params.id)));
  });

  routes.post(
    '/machines/:id/release',
    { permission: beskar7MachineReleasePermission, audit: 'machine-release' },
    async (req, res, call) => {
      const machineId = plausibleId(req.params.id);
      res.json(
        await call.audited({ machineId }, () => machines.release(machineId)),
      );
    },
  );

  routes.get('/queue', read, async (_req, res) => {
    res.json(await queue.status());
  });

  routes.get('/queue/jobs', read, async (req, res) => {
    const { status, hostId, limit } = parseJobsQuery(req.query);
    res.json({ items: await queue.listJobs({ status, hostId, limit }) });
  });

  for (const action of ['pause', 'resume', 'drain'] as const) {
    routes.post(
      `/queue/${action}`,
      { permission: beskar7QueueManagePermission, audit: `queue-${action}` },
      async (_req, res, call) => {
        res.json(await call.audited({}, () => queue[action]()));
      },
    );
  }

  routes.get('/diagnostics', read, async (_req, res) => {
    res.json(await diagnostics.report());
  });

  addRunbookRoutes(
    routes,
    options.runbooks,
    new AuthorizedRunbooks(options.runbooks, options.authorizer),
  );
  addClusterRoutes(routes, options.clusters);

  routes.post('/config/validate', read, async (req, res) => {
    res.json(validateProvisioningConfig(req.body));
  });

  const router = routes.router('256kb');

  // A database that failed under a request leaves its outcome unknown:
  // 503 with a retry hint; retrying is safe, every write is idempotent or checked.
  router.use(
    (
      error: unknown,
      _req: express.Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      if (!isDatabaseUnavailable(error)) {
        next(error);
        return;
      }
      res.set('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      next(
        new ServiceUnavailableError(
          'The database is unavailable, so the outcome of this request is unknown; retry it later',
        ),
      );
    },
  );

  return router;
}
