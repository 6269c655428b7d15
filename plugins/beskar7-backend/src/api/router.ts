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
import Router from 'express-promise-router';
import { Knex } from 'knex';
import { Registry } from 'prom-client';
import { validateProvisioningConfig } from '../config';
import { isDatabaseUnavailable } from '../database/errors';
import { ClusterService } from '../clusters';
import { DiagnosticsService } from '../diagnostics';
import { InventoryService } from '../inventory/InventoryService';
import { MachineService } from '../machines/MachineService';
import { MetricsHistory } from '../metrics/MetricsHistory';
import { ProvisioningQueue } from '../queue';
import { RunbookEngine } from '../runbooks';
import { bodyOf, jsonBody } from './body';
import { RouteGuard } from './guard';
import { addClusterRoutes } from './clusterRoutes';
import { addRunbookRoutes } from './runbookRoutes';
import { checkHealth } from './health';
import {
  parseListHostsQuery,
  parseMachineRequest,
  parsePageQuery,
  parseRegisterHost,
  parseJobsQuery,
  parseMetricsSummaryQuery,
  parseUpdateHost,
  plausibleId,
} from './validation';

/** When a client should try again after the database failed under its request. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

export interface RouterOptions {
  knex: Knex;
  version: string;
  guard: RouteGuard;
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
  clusters?: Pick<ClusterService, 'list' | 'get'>;
  /** The Kubernetes side's health, when it is enabled. */
  kubernetesHealth?: () => KubernetesHealth | undefined;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { knex, version, guard, inventory, machines, queue, diagnostics } =
    options;
  const { metrics } = options;
  const router = Router();
  // Every route authorizes the caller first, then reads its input.
  router.use(jsonBody('256kb'));

  router.get('/health', async (_req, res) => {
    const health = await checkHealth(
      knex,
      version,
      options.kubernetesHealth?.(),
    );
    // Only the database takes the plugin out: without the API server it
    // keeps claiming and provisioning, and says so in the body.
    res.status(health.database.reachable ? 200 : 503).json(health);
  });

  router.get('/metrics', async (req, res) => {
    await guard.authorize(req, beskar7HostReadPermission);
    res.type(metrics.contentType).send(await metrics.metrics());
  });

  router.get('/metrics/summary', async (req, res) => {
    await guard.authorize(req, beskar7HostReadPermission);
    const { windowMinutes } = parseMetricsSummaryQuery(req.query);
    res.json(await options.metricsHistory.summary(windowMinutes * 60_000));
  });

  router.get('/hosts', async (req, res) => {
    await guard.authorize(req, beskar7HostReadPermission);
    res.json(await inventory.listHosts(parseListHostsQuery(req.query)));
  });

  router.post('/hosts', async (req, res) => {
    // Naming a credential sends it to the BMC: its own permission.
    const host = await guard.auditedInput(
      req,
      [beskar7HostUpdatePermission, beskar7CredentialUsePermission],
      'host-register',
      {
        parse: () => parseRegisterHost(bodyOf(req)),
        meta: ({ namespace, name }) => ({ namespace, name }),
      },
      request => inventory.registerHost(request),
    );
    res.status(201).json(host);
  });

  router.get('/hosts/:id', async (req, res) => {
    await guard.authorize(req, beskar7HostReadPermission);
    res.json(await inventory.getHost(plausibleId(req.params.id)));
  });

  router.patch('/hosts/:id', async (req, res) => {
    res.json(
      await guard.auditedInput(
        req,
        beskar7HostUpdatePermission,
        'host-update',
        {
          parse: () => ({
            hostId: plausibleId(req.params.id),
            patch: parseUpdateHost(bodyOf(req)),
          }),
          // A TLS change is recorded as it is: a host may stop verifying.
          meta: ({ hostId, patch }) => ({
            hostId,
            fields: Object.keys(patch),
            ...(patch.bmc && { bmcTls: patch.bmc }),
          }),
        },
        ({ hostId, patch }) => inventory.updateHost(hostId, patch),
      ),
    );
  });

  router.delete('/hosts/:id', async (req, res) => {
    await guard.auditedInput(
      req,
      beskar7HostOperatePermission,
      'host-delete',
      hostIdInput(req),
      hostId => inventory.deleteHost(hostId),
    );
    res.status(204).end();
  });

  router.post('/hosts/:id/release', async (req, res) => {
    res.json(
      await guard.auditedInput(
        req,
        beskar7HostOperatePermission,
        'host-release',
        hostIdInput(req),
        hostId => inventory.releaseHost(hostId),
      ),
    );
  });

  router.post('/hosts/:id/recover', async (req, res) => {
    res.json(
      await guard.auditedInput(
        req,
        beskar7HostOperatePermission,
        'host-recover',
        hostIdInput(req),
        hostId => inventory.recoverHost(hostId),
      ),
    );
  });

  router.get('/pools', async (req, res) => {
    await guard.authorize(req, beskar7HostReadPermission);
    res.json({ items: await inventory.pools() });
  });

  router.get('/machines', async (req, res) => {
    await guard.authorize(req, beskar7HostReadPermission);
    res.json(await machines.list(parsePageQuery(req.query)));
  });

  router.post('/machines', async (req, res) => {
    const { machine, created } = await guard.auditedInput(
      req,
      beskar7MachineCreatePermission,
      'machine-request',
      {
        parse: () => parseMachineRequest(bodyOf(req)),
        meta: ({ namespace, name }) => ({ namespace, name }),
      },
      request => machines.request(request),
    );
    res.status(created ? 201 : 200).json(machine);
  });

  router.get('/machines/:id', async (req, res) => {
    await guard.authorize(req, beskar7HostReadPermission);
    res.json(await machines.get(plausibleId(req.params.id)));
  });

  router.post('/machines/:id/release', async (req, res) => {
    res.json(
      await guard.auditedInput(
        req,
        beskar7MachineReleasePermission,
        'machine-release',
        {
          parse: () => plausibleId(req.params.id),
          meta: machineId => ({ machineId }),
        },
        machineId => machines.release(machineId),
      ),
    );
  });

  router.get('/queue', async (req, res) => {
    await guard.authorize(req, beskar7HostReadPermission);
    res.json(await queue.status());
  });

  router.get('/queue/jobs', async (req, res) => {
    await guard.authorize(req, beskar7HostReadPermission);
    const { status, hostId, limit } = parseJobsQuery(req.query);
    res.json({ items: await queue.listJobs({ status, hostId, limit }) });
  });

  for (const action of ['pause', 'resume', 'drain'] as const) {
    router.post(`/queue/${action}`, async (req, res) => {
      res.json(
        await guard.audited(
          req,
          beskar7QueueManagePermission,
          `queue-${action}`,
          {},
          () => queue[action](),
        ),
      );
    });
  }

  router.get('/diagnostics', async (req, res) => {
    await guard.authorize(req, beskar7HostReadPermission);
    res.json(await diagnostics.report());
  });

  addRunbookRoutes(router, guard, options.runbooks);
  addClusterRoutes(router, guard, options.clusters);

  router.post('/config/validate', async (req, res) => {
    await guard.authorize(req, beskar7HostReadPermission);
    const result = validateProvisioningConfig(bodyOf(req));
    res.json(result);
  });

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

/** A host id from the path, read once the caller is authorized. */
function hostIdInput(req: express.Request) {
  return {
    parse: () => plausibleId(req.params.id),
    meta: (hostId: string) => ({ hostId }),
  };
}
