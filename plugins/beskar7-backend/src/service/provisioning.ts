import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { ClaimResult } from '../claims';
import { ProvisioningConfig } from '../config';
import {
  HostOperationHandler,
  HostOperationExecutor,
  HostReconciler,
  MachineReconciler,
  Reconcilers,
} from '../lifecycle';
import { QueueMetrics } from '../metrics/queueMetrics';
import { ProvisioningQueue } from '../queue';

/**
 * The provisioning queue with its workers, and the reconcilers that feed it:
 * hosts towards their wanted state, machines to a claimed host.
 */
export function buildProvisioning(options: {
  knex: Knex;
  logger: LoggerService;
  scheduler?: SchedulerService;
  replicaId: string;
  config: ProvisioningConfig;
  queueMetrics: QueueMetrics;
  executor: HostOperationExecutor;
  claim: (machineId: string) => Promise<ClaimResult>;
}) {
  const { knex, logger, config, queueMetrics: metrics } = options;
  const queue = new ProvisioningQueue({
    knex,
    replicaId: options.replicaId,
    config,
    logger,
    metrics,
    handler: new HostOperationHandler({
      knex,
      logger,
      metrics,
      executor: options.executor,
    }),
  });
  const reconcilers = new Reconcilers({
    queue,
    logger,
    scheduler: options.scheduler,
    metrics,
    intervalMs: config.reconcileIntervalMs,
    hosts: new HostReconciler({ knex, queue, logger, config, metrics }),
    machines: new MachineReconciler({
      knex,
      queue,
      logger,
      claims: { claim: options.claim },
    }),
  });
  return { queue, reconcilers };
}
