import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { KubernetesHealth } from '@beskar7/backstage-plugin-beskar7-common';
import { KubeConfig } from '@kubernetes/client-node';
import { ClaimResult } from '../claims';
import { LeaderElectionTiming } from '../claims/leaderElection';
import { describeError } from './apiErrors';
import { CredentialResolver } from '../credentials/types';
import { HostStore } from '../database/HostStore';
import { MachineStore } from '../database/MachineStore';
import { InventoryService } from '../inventory/InventoryService';
import { MachineService } from '../machines/MachineService';
import { Beskar7Metrics } from '../metrics';
import { BackendPorts } from './BackendPorts';
import {
  KubernetesSettings,
  loadKubeConfig,
  readKubernetesSettings,
} from './config';
import { KubernetesController } from './KubernetesController';
import { KubernetesLeaseElector } from './KubernetesLeaseElector';
import { SecretCredentialResolver } from './SecretCredentialResolver';
import { SecretBootstrapDataSource } from './SecretBootstrapDataSource';
import { BootstrapDataSource } from '../bootstrap/types';
import { StatusPublisher } from './StatusPublisher';

/** What the Kubernetes side needs from the rest of the backend once it is built. */
export interface KubernetesConnection {
  /** This replica: the Lease identity and the Events' reporting instance. */
  replicaId: string;
  metrics: Beskar7Metrics;
  timing: LeaderElectionTiming;
  hosts: HostStore;
  machines: MachineStore;
  inventory: Pick<InventoryService, 'registerHost'>;
  machineService: Pick<MachineService, 'request' | 'release'>;
  /** Without a Lease: whether this replica is the one that acts (the claim leader, say). */
  isActive: () => boolean;
  /** How often inventory changes are looked for to publish (default 2 s). */
  publishIntervalMs?: number;
}

/**
 * The Kubernetes side of one replica, built in two steps because the claim
 * engine needs its candidacy gate and credentials before the rest exists:
 * `createKubernetesIntegration` reads the config (stopping start-up on a
 * bad value, naming the key), then `connect` wires the controller, Lease
 * elector and status publisher to the backend's services.
 */
export class KubernetesIntegration {
  private elector?: KubernetesLeaseElector;
  private controller?: KubernetesController;
  private publisher?: StatusPublisher;
  private machineStore?: MachineStore;

  constructor(
    private readonly settings: KubernetesSettings,
    private readonly kubeConfig: KubeConfig,
    private readonly logger: LoggerService,
  ) {}

  /** The API server and the namespace watched (all when undefined), for other readers. */
  get apiAccess(): { kubeConfig: KubeConfig; namespace?: string } {
    return { kubeConfig: this.kubeConfig, namespace: this.settings.namespace };
  }

  /** Credentials from the Secrets that PhysicalHosts name; any other ref from `fallback`. */
  credentials(fallback: CredentialResolver): CredentialResolver {
    return new SecretCredentialResolver(this.kubeConfig, fallback);
  }

  /** Cluster API bootstrap data, read from its Secrets at each use. */
  bootstrapData(): BootstrapDataSource {
    return new SecretBootstrapDataSource(this.kubeConfig);
  }

  get bootstrapSettings(): KubernetesSettings['bootstrapData'] {
    return this.settings.bootstrapData;
  }

  /**
   * Whether this replica may stand for claim coordinator: with a Lease, only
   * its holder. Undefined without leader election (everyone may).
   */
  get leaderCandidate(): (() => boolean) | undefined {
    if (!this.settings.leaderElection.enabled) return undefined;
    return () => this.elector?.isLeader ?? false;
  }

  connect(connection: KubernetesConnection): void {
    const { settings, kubeConfig, logger } = this;
    const elector = settings.leaderElection.enabled
      ? new KubernetesLeaseElector({
          kubeConfig,
          namespace: settings.leaderElection.namespace,
          leaseName: settings.leaderElection.leaseName,
          identity: connection.replicaId,
          timing: connection.timing,
          logger,
          callbacks: {
            onElectionEvent: event =>
              connection.metrics.leaderElections.inc({ event_type: event }),
            // A new leader handles everything again: what the last one left.
            onStartedLeading: () => this.controller?.resync(),
          },
        })
      : undefined;
    const isActive = elector ? () => elector.isLeader : connection.isActive;
    const ports = new BackendPorts(connection);
    const controller = new KubernetesController({
      kubeConfig,
      inventory: ports,
      machines: ports,
      status: ports,
      logger,
      instance: connection.replicaId,
      namespace: settings.namespace,
      crossNamespaceClaims: settings.crossNamespaceClaims,
      resyncIntervalMs: settings.resyncIntervalMs,
      isActive,
    });
    this.elector = elector;
    this.controller = controller;
    this.machineStore = connection.machines;
    this.publisher = new StatusPublisher({
      hosts: connection.hosts,
      machines: connection.machines,
      controller,
      logger,
      namespace: settings.namespace,
      intervalMs: connection.publishIntervalMs,
      isActive,
    });
  }

  start(): void {
    this.elector?.start();
    this.controller?.start();
    this.publisher?.start();
  }

  async stop(): Promise<void> {
    await this.publisher?.stop();
    await this.controller?.stop();
    await this.elector?.stop();
  }

  /**
   * Records a ClaimConflict Event on the Beskar7Machine when its claim lost
   * races to other claimers or gave up: what `kubectl describe` users see
   * of the claim engine's contention.
   */
  async claimObserved(result: ClaimResult): Promise<void> {
    const { controller, machineStore } = this;
    if (!controller || !machineStore) return;
    const gaveUp = result.outcome === 'retry';
    if (result.conflicts === 0 && !gaveUp) return;
    const machine = await machineStore.get(result.machineId);
    if (!machine) return;
    const lost = `${result.conflicts} of ${result.attempts} claim attempts lost to other claimers`;
    await controller
      .recordClaimConflict(
        machine.namespace,
        machine.name,
        gaveUp ? `${lost}; no host won this round, retrying` : lost,
      )
      .catch(error =>
        this.logger.debug(
          `Recording a ClaimConflict Event failed: ${describeError(error)}`,
        ),
      );
  }

  /** Resolves once both kinds have been listed and handled once. */
  async whenSynced(): Promise<void> {
    await this.controller?.whenSynced();
  }

  health(): KubernetesHealth | undefined {
    if (!this.controller) return undefined;
    const health = this.controller.health();
    if (!this.elector) return health;
    return {
      ...health,
      leaderElection: {
        lease: this.settings.leaderElection.leaseName,
        leader: this.elector.leader,
        isLeader: this.elector.isLeader,
      },
    };
  }
}

/**
 * The integration for `beskar7.kubernetes`, or undefined when it is not
 * enabled. A bad value, or no cluster to talk to, stops start-up here.
 */
export function createKubernetesIntegration(options: {
  config: Config;
  logger: LoggerService;
  /** Overrides the kubeconfig the settings name (tests). */
  kubeConfig?: KubeConfig;
}): KubernetesIntegration | undefined {
  const settings = readKubernetesSettings(options.config);
  if (!settings) return undefined;
  const kubeConfig = options.kubeConfig ?? loadKubeConfig(settings);
  return new KubernetesIntegration(
    settings,
    kubeConfig,
    options.logger.child({ component: 'kubernetes' }),
  );
}
