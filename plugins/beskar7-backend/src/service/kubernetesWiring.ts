import { LifecycleService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { LeaderClaimCoordinator, resolveLeaderElectionTiming } from '../claims';
import { HostStore } from '../database/HostStore';
import { MachineStore } from '../database/MachineStore';
import { KubernetesIntegration } from '../kubernetes';
import { ReplicaServices } from '../replicaServices';
import { FleetServices } from './fleetServices';

/** The Kubernetes side, when enabled, driving the same services as the API. */
export function connectKubernetes(options: {
  kubernetes: KubernetesIntegration | undefined;
  knex: Knex;
  lifecycle: LifecycleService;
  replica: ReplicaServices;
  services: FleetServices;
}) {
  const { kubernetes, knex, replica, services } = options;
  if (!kubernetes) return;
  const { claims } = replica;
  kubernetes.connect({
    replicaId: replica.replicaId,
    metrics: replica.metrics,
    timing: resolveLeaderElectionTiming(replica.claimsConfig.leaderElection),
    hosts: new HostStore(knex),
    machines: new MachineStore(knex),
    inventory: services.inventory,
    machineService: services.machines,
    // Without a Lease, the claim leader acts, or every replica.
    isActive: () =>
      !(claims instanceof LeaderClaimCoordinator) || claims.isLeader,
  });
  options.lifecycle.addStartupHook(() => kubernetes.start());
  options.lifecycle.addShutdownHook(() => kubernetes.stop());
}
