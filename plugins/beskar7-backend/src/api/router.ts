import {
  beskar7HostOperatePermission,
  beskar7HostReadPermission,
  beskar7HostUpdatePermission,
  beskar7MachineCreatePermission,
  beskar7MachineReleasePermission,
  beskar7QueueManagePermission,
  KubernetesHealth,
} from '@beskar7/backstage-plugin-beskar7-common';
import { NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { Knex } from 'knex';
import { Registry } from 'prom-client';
import { validateProvisioningConfig } from '../config';
import { DiagnosticsService } from '../diagnostics';
import { InventoryService } from '../inventory/InventoryService';
import { MachineService } from '../machines/MachineService';
import { MetricsHistory } from '../metrics/MetricsHistory';
import { ProvisioningQueue } from '../queue';
import { RunbookEngine } from '../runbooks';
import { RouteGuard } from './guard';
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
  isPlausibleId,
} from './validation';

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
  router.use(express.json({ limit: '256kb' }));
  // An id no object can have is answered before it reaches a database.
  for (const param of ['id', 'runId']) {
    router.param(param, (_req, _res, nextHandler, value: string) =>
      nextHandler(
        isPlausibleId(value)
          ? undefined
          : new NotFoundError('No object has this id: not found'),
      ),
    );
  }

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
    const request = parseRegisterHost(req.body);
    const host = await guard.audited(
      req,
      beskar7HostUpdatePermission,
      'host-register',
      { namespace: request.namespace, name: request.name },
      () => inventory.registerHost(request),
    );
    res.status(201).json(host);
  });

  router.get('/hosts/:id', async (req, res) => {
    await guard.authorize(req, beskar7HostReadPermission);
    res.json(await inventory.getHost(req.params.id));
  });

  router.patch('/hosts/:id', async (req, res) => {
    const patch = parseUpdateHost(req.body);
    res.json(
      await guard.audited(
        req,
        beskar7HostUpdatePermission,
        'host-update',
        { hostId: req.params.id, fields: Object.keys(patch) },
        () => inventory.updateHost(req.params.id, patch),
      ),
    );
  });

  router.delete('/hosts/:id', async (req, res) => {
    await guard.audited(
      req,
      beskar7HostOperatePermission,
      'host-delete',
      { hostId: req.params.id },
      () => inventory.deleteHost(req.params.id),
    );
    res.status(204).end();
  });

  router.post('/hosts/:id/release', async (req, res) => {
    res.json(
      await guard.audited(
        req,
        beskar7HostOperatePermission,
        'host-release',
        { hostId: req.params.id },
        () => inventory.releaseHost(req.params.id),
      ),
    );
  });

  router.post('/hosts/:id/recover', async (req, res) => {
    res.json(
      await guard.audited(
        req,
        beskar7HostOperatePermission,
        'host-recover',
        { hostId: req.params.id },
        () => inventory.recoverHost(req.params.id),
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
    const request = parseMachineRequest(req.body);
    const { machine, created } = await guard.audited(
      req,
      beskar7MachineCreatePermission,
      'machine-request',
      { namespace: request.namespace, name: request.name },
      () => machines.request(request),
    );
    res.status(created ? 201 : 200).json(machine);
  });

  router.get('/machines/:id', async (req, res) => {
    await guard.authorize(req, beskar7HostReadPermission);
    res.json(await machines.get(req.params.id));
  });

  router.post('/machines/:id/release', async (req, res) => {
    res.json(
      await guard.audited(
        req,
        beskar7MachineReleasePermission,
        'machine-release',
        { machineId: req.params.id },
        () => machines.release(req.params.id),
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

  router.post('/config/validate', async (req, res) => {
    await guard.authorize(req, beskar7HostReadPermission);
    const result = validateProvisioningConfig(req.body);
    res.json(result);
  });

  return router;
}
