import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { Beskar7RunbookProcedure } from '@beskar7/backstage-plugin-beskar7-node';
import { Knex } from 'knex';
import { resolveLeaderElectionTiming } from '../claims';
import {
  ClusterObjectReader,
  ClusterService,
  ClusterWriter,
} from '../clusters';
import { MachineStore } from '../database/MachineStore';
import { BmcAddressPolicy } from '../inventory/bmcAddressPolicy';
import { InventoryService } from '../inventory/InventoryService';
import { KubernetesIntegration } from '../kubernetes';
import { MachineService } from '../machines/MachineService';
import { ReplicaServices } from '../replicaServices';
import { PROCEDURES, RunbookEngine, withContributed } from '../runbooks';
import { ServiceRunbookActions } from '../runbooks/ServiceRunbookActions';
import { FleetViews } from './fleetViews';

/**
 * The services callers use: the host inventory, machines, runbooks and,
 * with the Kubernetes side, Cluster API clusters. A change they make is
 * handed to the reconcilers at once.
 */
export function buildFleetServices(options: {
  knex: Knex;
  config: Config;
  logger: LoggerService;
  auditor: AuditorService;
  replica: ReplicaServices;
  views: FleetViews;
  kubernetes: KubernetesIntegration | undefined;
  bmcAddresses: BmcAddressPolicy;
  contributedProcedures: Beskar7RunbookProcedure[];
}) {
  const { knex, config, logger, replica, views } = options;
  const { claims, claimsConfig, queue, provisioners, reconcilers } = replica;
  const notify = (kind: 'host' | 'machine') => (id: string) =>
    void (
      kind === 'host'
        ? reconcilers.notifyHost(id)
        : reconcilers.notifyMachine(id)
    ).catch(error => logger.warn(`Reconciling ${kind} ${id} failed: ${error}`));

  const { kubernetes } = options;
  const clusters =
    kubernetes &&
    new ClusterService({
      objects: new ClusterObjectReader(
        kubernetes.apiAccess.kubeConfig,
        kubernetes.apiAccess.namespace,
      ),
      hosts: new MachineStore(knex),
    });
  const inventory = new InventoryService({
    knex,
    clusters,
    claims,
    onChange: notify('host'),
    bmcAddresses: options.bmcAddresses,
    credentials: replica.credentialGate,
    systems: (target, signal) =>
      replica.executor.identifiedSystemsOf(target, signal),
  });
  const machines = new MachineService(
    new MachineStore(knex),
    claims,
    notify('machine'),
  );
  const runbooks = new RunbookEngine({
    knex,
    logger,
    facts: views.facts,
    procedures: withContributed(PROCEDURES, options.contributedProcedures),
    diagnose: () => views.diagnostics.report(),
    auditor: options.auditor,
    actions: new ServiceRunbookActions({
      knex,
      config,
      queue,
      inventory,
      credentials: replica.credentialGate,
      circuits: () => provisioners.circuitStatuses(),
      circuitOf: address => provisioners.circuitStatus(address),
      systemsOf: (host, signal) => replica.executor.systemsOf(host, signal),
      coordination: {
        mode: claims.mode,
        leaderElection:
          claims.mode === 'leader'
            ? resolveLeaderElectionTiming(claimsConfig.leaderElection)
            : undefined,
      },
    }),
  });
  const clusterRoutes = kubernetes &&
    clusters && {
      clusters,
      writer: new ClusterWriter(
        kubernetes.apiAccess.kubeConfig,
        kubernetes.apiAccess.namespace,
      ),
    };
  return { inventory, machines, runbooks, clusters, clusterRoutes };
}

export type FleetServices = ReturnType<typeof buildFleetServices>;
