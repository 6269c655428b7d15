import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { VendorQuirks } from '@beskar7/backstage-plugin-beskar7-node';
import { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  ClaimResult,
  createClaimCoordinator,
  LeaderClaimCoordinator,
} from './claims';
import { readProvisioningConfig } from './config';
import { readClaimsConfig } from './config/readClaimsConfig';
import { readBmcAddressPolicy } from './config/readInventoryConfig';
import { BmcAddressPolicy } from './inventory/bmcAddressPolicy';
import { ConfigCredentialResolver } from './credentials/ConfigCredentialResolver';
import { CredentialResolver } from './credentials/types';
import { createBeskar7Metrics } from './metrics';
import { createQueueMetrics } from './metrics/queueMetrics';
import { ReplicaHeartbeat } from './replicas/ReplicaHeartbeat';
import { buildBmcAccess } from './service/bmcAccess';
import { buildProvisioning } from './service/provisioning';
import { PowerStatePoller } from './power/PowerStatePoller';
import { BootstrapDelivery } from './bootstrap';

export interface ReplicaServicesOptions {
  knex: Knex;
  /** The root config: `beskar7.claims`, `beskar7.provisioning`, `beskar7.credentials`. */
  config: Config;
  logger: LoggerService;
  vendors?: VendorQuirks[];
  /** Backstage's scheduler for the reconcilers; a plain timer without one. */
  scheduler?: SchedulerService;
  /** Where BMC credentials come from, given those of config (default: config's alone). */
  credentials?: (fromConfig: ConfigCredentialResolver) => CredentialResolver;
  /** Leader mode: whether this replica may stand for coordinator (default: always). */
  leaderCandidate?: () => boolean;
  /** Where BMCs may be (default: read from `beskar7.inventory.bmcAddressAllowlist`). */
  bmcAddresses?: BmcAddressPolicy;
  /** Told of every claim the machine reconciler makes (Kubernetes Events of conflicts). */
  onClaimResult?: (result: ClaimResult) => void;
  /** Cluster API bootstrap data delivery (with Kubernetes). */
  bootstrap?: BootstrapDelivery;
}

/**
 * The services that make a process one replica of the fleet's control loop:
 * claim coordinator, provisioning queue and its workers, reconcilers, replica
 * heartbeat. The plugin and the fault drills' replica processes build them
 * here, so that a drill kills the same wiring the backend runs.
 */
export function createReplicaServices(options: ReplicaServicesOptions) {
  const { knex, config, logger, scheduler } = options;
  // Invalid settings stop the backend here, naming the key.
  const claimsConfig = readClaimsConfig(config);
  const provisioningConfig = readProvisioningConfig(config);

  // One name per process, in job rows, leases and the replica list.
  const replicaId = `${hostname()}-${process.pid}-${randomBytes(3).toString(
    'hex',
  )}`;
  const metrics = createBeskar7Metrics();
  const queueMetrics = createQueueMetrics(metrics.registry);
  const bmc = buildBmcAccess({
    config,
    logger,
    vendors: options.vendors ?? [],
    bmcAddresses: options.bmcAddresses ?? readBmcAddressPolicy(config),
    queueMetrics,
    credentials: options.credentials,
    bootstrap: options.bootstrap,
  });
  const claims = createClaimCoordinator({
    mode: claimsConfig.mode,
    leaderElection: claimsConfig.leaderElection,
    knex,
    metrics,
    logger,
    replicaId,
    leaderCandidate: options.leaderCandidate,
  });
  const { queue, reconcilers } = buildProvisioning({
    knex,
    logger,
    scheduler,
    replicaId,
    config: provisioningConfig,
    queueMetrics,
    executor: bmc.executor,
    claim: async machineId => {
      const result = await claims.claim(machineId);
      options.onClaimResult?.(result);
      return result;
    },
  });
  const power = new PowerStatePoller({
    knex,
    queue,
    readPower: (host, signal) => bmc.executor.powerState(host, signal),
    logger,
    intervalMs: provisioningConfig.powerPollIntervalMs,
    scheduler,
    readTimeoutMs: provisioningConfig.operationTimeoutMs,
  });
  const heartbeat = new ReplicaHeartbeat({
    knex,
    replicaId,
    mode: claims.mode,
    believesLeader: () =>
      claims instanceof LeaderClaimCoordinator && claims.isLeader,
    logger,
  });
  const { provisioners } = bmc;

  return {
    replicaId,
    claimsConfig,
    provisioningConfig,
    metrics,
    queueMetrics,
    ...bmc,
    claims,
    queue,
    reconcilers,
    /** Started with the reconcilers, at the backend's start-up hook. */
    power,
    heartbeat,
    /** Claims, heartbeat and queue workers; the reconcilers start on their own (at the backend's start-up hook). */
    async start() {
      await claims.start();
      await heartbeat.start();
      queue.start();
    },
    async stop() {
      await heartbeat.stop();
      await reconcilers.stop();
      await power.stop();
      await queue.stop();
      await claims.stop();
      await provisioners.close();
    },
  };
}

export type ReplicaServices = ReturnType<typeof createReplicaServices>;
