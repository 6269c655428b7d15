import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import {
  HOST_STATES,
  HostState,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { Registry } from 'prom-client';
import { OptimisticClaimCoordinator } from '../../../../plugins/beskar7-backend/src/claims/OptimisticClaimCoordinator';
import { HostStore } from '../../../../plugins/beskar7-backend/src/database/HostStore';
import { LeaseStore } from '../../../../plugins/beskar7-backend/src/database/LeaseStore';
import {
  FleetFacts,
  ReplicaInfo,
} from '../../../../plugins/beskar7-backend/src/diagnostics';
import {
  HostOperationHandler,
  HostReconciler,
  MachineReconciler,
  Reconcilers,
  recoverHost,
} from '../../../../plugins/beskar7-backend/src/lifecycle';
import { FakeHostExecutor } from '../lifecycle/FakeHostExecutor';
import { createBeskar7Metrics } from '../../../../plugins/beskar7-backend/src/metrics';
import { createQueueMetrics } from '../../../../plugins/beskar7-backend/src/metrics/queueMetrics';
import { ProvisioningQueue } from '../../../../plugins/beskar7-backend/src/queue';
import { testProvisioningConfig } from '../queue/fixtures';
import { RunbookActions } from '../../../../plugins/beskar7-backend/src/runbooks/ports';

/**
 * One backend replica on a real database: the provisioning queue, the host
 * operation handler over a fake BMC executor, and the reconcilers. The
 * runbook actions below work on it; the ones whose services are not part of
 * a replica yet (BMC probe, config, coordination settings) say so when used.
 */
export function startLiveFleet(knex: Knex) {
  const logger = mockServices.logger.mock();
  const metrics = createQueueMetrics(new Registry());
  const config = testProvisioningConfig({
    maxConcurrentOps: 4,
    workerCount: 4,
  });
  const executor = new FakeHostExecutor(5);
  const queue = new ProvisioningQueue({
    knex,
    config,
    logger,
    metrics,
    handler: new HostOperationHandler({ knex, executor, logger, metrics }),
  });
  const claims = new OptimisticClaimCoordinator({
    knex,
    metrics: createBeskar7Metrics(new Registry()),
  });
  const reconcilers = new Reconcilers({
    hosts: new HostReconciler({ knex, queue, config, logger, metrics }),
    machines: new MachineReconciler({ knex, queue, claims, logger }),
    queue,
    logger,
    intervalMs: config.reconcileIntervalMs,
  });
  queue.start();
  void reconcilers.start();
  const hosts = new HostStore(knex);
  /** Replicas as their heartbeats would report them; tests set them. */
  const replicas: ReplicaInfo[] = [
    {
      id: queue.replicaId,
      coordinationMode: 'optimistic',
      believesLeader: false,
      lastSeenAt: new Date().toISOString(),
    },
  ];

  const notHere = (what: string) => async (): Promise<never> => {
    throw new Error(`${what} is not wired in this test fleet`);
  };

  const actions: RunbookActions = {
    queueStatus: () => queue.status(),
    pauseQueue: () => queue.pause(),
    resumeQueue: () => queue.resume(),
    drainQueue: () => queue.drain(),
    recentJobs: async sinceMs =>
      (await queue.listJobs({ limit: 1000 })).filter(
        j => Date.parse(j.createdAt) >= sinceMs,
      ),
    listHosts: filter => hosts.list({ state: filter.state, pool: filter.pool }),
    getHost: id => hosts.get(id),
    recoverHost: async (id, message) => {
      const host = await hosts.get(id);
      if (host?.state !== 'Error') {
        throw new ConflictError(`Host ${id} is ${host?.state ?? 'missing'}`);
      }
      await recoverHost(knex, { hostId: id, message }, metrics);
      return (await hosts.get(id))!;
    },
    poolSummaries: notHere('poolSummaries'),
    pendingMachines: notHere('pendingMachines'),
    coordination: async () => ({ mode: 'optimistic' }),
    clearCoordinationLeases: async () => ({
      cleared: await new LeaseStore(knex).releaseAll(),
    }),
    claimInvariants: async () => ({
      inconsistentHosts: [],
      machinesSharingHosts: [],
    }),
    bmcCircuits: async () => [],
    bmcCircuit: async () => undefined,
    probeBmcCircuit: notHere('probeBmcCircuit'),
    probeBmc: notHere('probeBmc'),
    validateConfig: notHere('validateConfig'),
    effectiveConfig: notHere('effectiveConfig'),
  };

  const facts: FleetFacts = {
    hostCountsByState: async () => {
      const counts = Object.fromEntries(HOST_STATES.map(s => [s, 0])) as Record<
        HostState,
        number
      >;
      for (const h of await hosts.list()) counts[h.state] += 1;
      return counts;
    },
    pendingMachines: async () => 0,
    recentWarningEvents: async () => [],
    claimConflictRate: async () => ({ total: 0, hits: 0 }),
    queueStatus: () => queue.status(),
    bmcErrorRate: async () => ({ total: 0, hits: 0 }),
    cooldownWaits: async () => ({ events: 0, seconds: 300 }),
    replicas: async () => replicas,
    leader: async () => undefined,
    coordinationMode: () => 'optimistic',
    databaseLatencyMs: async () => {
      const started = Date.now();
      await knex.raw('select 1');
      return Date.now() - started;
    },
    latencies: async () => ({ claimSamples: 0, reconcileSamples: 0 }),
    plainHttpHosts: async () => [],
  };

  return {
    queue,
    executor,
    hosts,
    actions,
    facts,
    replicas,
    async stop() {
      await reconcilers.stop();
      await queue.stop();
    },
  };
}

export type LiveFleet = ReturnType<typeof startLiveFleet>;
