/* eslint-disable no-console */
/**
 * One replica's Kubernetes side, as a process of its own for the Kubernetes
 * drill: the stores and services it needs on the drill's database, and the
 * integration as plugin.ts connects it (Lease election on, default timing).
 * The parent SIGKILLs it to see how long the Lease takes to move.
 */
import { ConfigReader } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import { knex as createKnex } from 'knex';
import { createClaimCoordinator } from '../../../../plugins/beskar7-backend/src/claims';
import { resolveLeaderElectionTiming } from '../../../../plugins/beskar7-backend/src/claims/leaderElection';
import { HostStore } from '../../../../plugins/beskar7-backend/src/database/HostStore';
import { MachineStore } from '../../../../plugins/beskar7-backend/src/database/MachineStore';
import { InventoryService } from '../../../../plugins/beskar7-backend/src/inventory/InventoryService';
import { createKubernetesIntegration } from '../../../../plugins/beskar7-backend/src/kubernetes';
import { MachineService } from '../../../../plugins/beskar7-backend/src/machines/MachineService';
import { createBeskar7Metrics } from '../../../../plugins/beskar7-backend/src/metrics';
import { RecordingLogger } from './drillSupport';

export interface KubeReplicaStart {
  databaseUrl: string;
  kubeconfig: string;
  namespace: string;
  name: string;
}

async function run({
  databaseUrl,
  kubeconfig,
  namespace,
  name,
}: KubeReplicaStart) {
  const knex = createKnex({
    client: 'pg',
    connection: databaseUrl,
    pool: { min: 0, max: 4 },
  });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfig);
  const metrics = createBeskar7Metrics();
  const claims = createClaimCoordinator({ mode: 'optimistic', knex, metrics });
  const machines = new MachineStore(knex);
  const integration = createKubernetesIntegration({
    config: new ConfigReader({
      beskar7: {
        kubernetes: {
          enabled: true,
          namespace,
          leaderElection: { enabled: true, namespace },
        },
      },
    }),
    logger: new RecordingLogger(),
    kubeConfig,
  })!;
  integration.connect({
    replicaId: name,
    metrics,
    timing: resolveLeaderElectionTiming({}),
    hosts: new HostStore(knex),
    machines,
    inventory: new InventoryService({ knex, claims }),
    machineService: new MachineService(machines, claims),
    isActive: () => true,
  });
  integration.start();
  process.send!({ type: 'ready' });
}

// A replica never outlives its drill.
process.once('disconnect', () => process.exit(1));

process.once('message', (message: KubeReplicaStart) => {
  run(message).catch(error => {
    console.error(`[${message.name}] failed to start: ${error}`);
    process.exit(1);
  });
});
