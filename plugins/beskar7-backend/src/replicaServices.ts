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
import {
  readBmcAddressPolicy,
  resolveHostName,
} from './config/readInventoryConfig';
import { BmcAddressPolicy } from './inventory/bmcAddressPolicy';
import { ConfigCredentialResolver } from './credentials/ConfigCredentialResolver';
import { CredentialGate } from './credentials/CredentialGate';
import { CredentialResolver } from './credentials/types';
import {
  HostOperationHandler,
  HostReconciler,
  MachineReconciler,
  Reconcilers,
} from './lifecycle';
import { createBeskar7Metrics } from './metrics';
import { createQueueMetrics } from './metrics/queueMetrics';
import { RedfishHostOperationExecutor } from './provisioning/RedfishHostOperationExecutor';
import { ProvisioningQueue } from './queue';
import { BmcProvisionerFactory } from './redfish';
import { ReplicaHeartbeat } from './replicas/ReplicaHeartbeat';

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
  // Config entries, and the logins registered at run time (simulated fleet).
  const configCredentials = new ConfigCredentialResolver(config);
  const credentials =
    options.credentials?.(configCredentials) ?? configCredentials;
  // Every login leaves through here, checked against where it may be sent.
  const credentialGate = new CredentialGate(
    credentials,
    configCredentials,
    resolveHostName,
    { kubernetesSecrets: options.credentials !== undefined },
  );
  const bmcAddresses = options.bmcAddresses ?? readBmcAddressPolicy(config);
  const provisioners = new BmcProvisionerFactory({
    logger,
    vendors: options.vendors ?? [],
    resolvedAddressCheck: ip => bmcAddresses.refusalOfResolved(ip),
    onOperation: e =>
      queueMetrics.bmcOperationDuration
        .labels(e.operation, e.vendor, e.outcome)
        .observe(e.seconds),
  });
  queueMetrics.bindCircuits(() => provisioners.circuitStatuses());

  const executor = new RedfishHostOperationExecutor(
    provisioners,
    credentialGate,
  );

  const claims = createClaimCoordinator({
    mode: claimsConfig.mode,
    leaderElection: claimsConfig.leaderElection,
    knex,
    metrics,
    logger,
    replicaId,
    leaderCandidate: options.leaderCandidate,
  });
  const queue = new ProvisioningQueue({
    knex,
    replicaId,
    config: provisioningConfig,
    logger,
    metrics: queueMetrics,
    handler: new HostOperationHandler({
      knex,
      logger,
      metrics: queueMetrics,
      executor,
    }),
  });
  const reconcilers = new Reconcilers({
    queue,
    logger,
    scheduler,
    metrics: queueMetrics,
    intervalMs: provisioningConfig.reconcileIntervalMs,
    hosts: new HostReconciler({
      knex,
      queue,
      logger,
      config: provisioningConfig,
      metrics: queueMetrics,
    }),
    machines: new MachineReconciler({
      knex,
      queue,
      logger,
      claims: {
        claim: async machineId => {
          const result = await claims.claim(machineId);
          options.onClaimResult?.(result);
          return result;
        },
      },
    }),
  });
  const heartbeat = new ReplicaHeartbeat({
    knex,
    replicaId,
    mode: claims.mode,
    believesLeader: () =>
      claims instanceof LeaderClaimCoordinator && claims.isLeader,
    logger,
  });

  return {
    replicaId,
    claimsConfig,
    provisioningConfig,
    metrics,
    queueMetrics,
    configCredentials,
    credentials,
    credentialGate,
    provisioners,
    /** The BMC work; registration also asks it which systems a BMC has. */
    executor,
    claims,
    queue,
    reconcilers,
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
      await queue.stop();
      await claims.stop();
      await provisioners.close();
    },
  };
}

export type ReplicaServices = ReturnType<typeof createReplicaServices>;
