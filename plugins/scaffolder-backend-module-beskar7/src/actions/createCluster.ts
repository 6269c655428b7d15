import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createTemplateAction,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import {
  ClusterCreateActionInput,
  ClusterCreateActionOutput,
} from './actionTypes';
import {
  beskar7ClusterCreatePermission,
  clusterManifests,
  ClusterRequest,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Beskar7Service } from '@beskar7/backstage-plugin-beskar7-node';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod/v3';
import {
  ClusterActionOptions,
  clusterUrl,
  waitForControlPlane,
} from './clusters';
import {
  ClusterCreateInput,
  clusterCreateInput,
  clusterCreateOutput,
} from './clusterSchema';
import { eligibleHosts } from './eligibleHosts';
import { explained } from './errors';
import { parseInput } from './schema';

/**
 * `beskar7:cluster:create`: checks that enough Available hosts match, then
 * has the Beskar7 backend apply the cluster's Cluster API objects (or writes
 * them to the workspace for a GitOps publish step), then waits until a
 * control-plane Machine is Provisioned.
 *
 * @public
 */
export function createClusterCreateAction(
  options: ClusterActionOptions,
): TemplateAction<ClusterCreateActionInput, ClusterCreateActionOutput, 'v2'> {
  const { beskar7, permissions, pollIntervalMs = 5000 } = options;
  return createTemplateAction({
    id: 'beskar7:cluster:create',
    description:
      'Creates a Cluster API cluster on Beskar7 hosts: refuses when fewer Available hosts match than machines are requested, then applies Cluster, Beskar7Cluster, KubeadmControlPlane, MachineDeployment, Beskar7MachineTemplates and KubeadmConfigTemplate server-side through the Beskar7 backend (beskar7.cluster.create), and waits for the control plane. With apply: false and manifestsPath it only writes them, for a publish step.',
    supportsDryRun: true,
    examples: [
      {
        description: 'One control-plane and two worker machines',
        example: `steps:
  - id: cluster
    action: beskar7:cluster:create
    input:
      name: payments
      namespace: fleet
      kubernetesVersion: v1.32.0
      controlPlaneEndpoint: 10.0.10.100
      controlPlaneReplicas: 1
      workerReplicas: 2
      pool: default
      imageUrl: https://images.example/ubuntu-24.04-k8s-1.32.iso`,
      },
    ],
    schema: { input: clusterCreateInput, output: clusterCreateOutput },
    async handler(ctx) {
      const input = parseInput(clusterCreateInput(z), ctx.input);
      const credentials = await ctx.getInitiatorCredentials();
      const request = toClusterRequest(input);
      const { namespace, name } = request;
      const requested = request.controlPlaneReplicas + request.workerReplicas;
      ctx.output('clusterUrl', clusterUrl(namespace, name));
      ctx.output('requestedMachines', requested);

      // The backend checks the permission before it applies; a dry run or a
      // GitOps run applies nothing, so it is checked here.
      if (ctx.isDryRun || !input.apply) {
        const [decision] = await permissions.authorize(
          [{ permission: beskar7ClusterCreatePermission }],
          { credentials },
        );
        if (decision.result !== AuthorizeResult.ALLOW) {
          throw new NotAllowedError(
            `Missing permission ${beskar7ClusterCreatePermission.name}`,
          );
        }
      }

      // A retried step finds its cluster holding the hosts it claimed: the
      // capacity was checked the first time.
      const existing = await exists(beskar7, namespace, name, credentials);
      const eligible = existing
        ? undefined
        : await explained('list hosts', () =>
            eligibleHosts(
              beskar7,
              {
                ...request.hostSelector,
                namespace: input.anyNamespace ? undefined : namespace,
              },
              { credentials },
            ),
          );
      ctx.output('eligibleHosts', eligible?.length ?? 0);
      if (eligible && eligible.length < requested) {
        throw new Error(
          `Not enough capacity for cluster ${namespace}/${name}: ${requested} machines requested (${request.controlPlaneReplicas} control plane + ${request.workerReplicas} workers) but only ${eligible.length} Available host(s) match the host selector; nothing was created`,
        );
      }

      if (input.manifestsPath) {
        const path = resolveSafeChildPath(
          ctx.workspacePath,
          input.manifestsPath,
        );
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, toYaml(request));
        ctx.logger.info(
          `Wrote the cluster's objects to ${input.manifestsPath}`,
        );
      }

      if (ctx.isDryRun || !input.apply) {
        const summary = `${
          ctx.isDryRun ? 'Dry run' : 'Not applied (apply: false)'
        }: ${requested} machine(s) for ${namespace}/${name}, ${
          eligible?.length ?? 'existing cluster,'
        } matching Available host(s)`;
        ctx.logger.info(summary);
        ctx.output('summary', summary);
        return;
      }

      const result = await explained(
        `create cluster ${namespace}/${name}`,
        () => beskar7.createCluster(request, { credentials }),
      );
      ctx.logger.info(
        `${
          result.created ? 'Created' : 'Applied again'
        } cluster ${namespace}/${name}: ${result.objects
          .map(o => `${o.kind} ${o.name}`)
          .join(', ')}`,
      );
      if (input.wait) {
        const machine = await explained('wait for the control plane', () =>
          waitForControlPlane({
            read: () => beskar7.getCluster(namespace, name, { credentials }),
            timeoutSeconds: input.timeoutSeconds,
            pollIntervalMs,
            signal: ctx.signal,
          }),
        );
        ctx.logger.info(
          `Control-plane Machine ${machine.name} is Provisioned${
            machine.host ? ` on host ${machine.host.name}` : ''
          }`,
        );
      }
      ctx.output(
        'summary',
        `Cluster ${namespace}/${name} ${
          input.wait ? 'has its control plane Provisioned' : 'requested'
        }: ${request.controlPlaneReplicas} control-plane and ${
          request.workerReplicas
        } worker machine(s)`,
      );
    },
  });
}

function toClusterRequest(input: ClusterCreateInput): ClusterRequest {
  return {
    namespace: input.namespace,
    name: input.name,
    kubernetesVersion: input.kubernetesVersion,
    controlPlaneEndpoint: {
      host: input.controlPlaneEndpoint,
      port: input.controlPlanePort,
    },
    controlPlaneReplicas: input.controlPlaneReplicas,
    workerReplicas: input.workerReplicas,
    hostSelector: {
      pool: input.pool,
      selector: input.labelSelector,
      tags: input.tags,
      minCpuCores: input.minCpuCores,
      minMemoryGiB: input.minMemoryGiB,
      minDiskGiB: input.minDiskGiB,
    },
    imageUrl: input.imageUrl,
    osFamily: input.osFamily,
    owner: input.owner,
  };
}

async function exists(
  beskar7: Beskar7Service,
  namespace: string,
  name: string,
  credentials: Parameters<Beskar7Service['getCluster']>[2]['credentials'],
): Promise<boolean> {
  try {
    await beskar7.getCluster(namespace, name, { credentials });
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    return explained(`read cluster ${namespace}/${name}`, () =>
      Promise.reject(error),
    );
  }
}

/** JSON is YAML: one document per object, as `kubectl apply -f` reads them. */
function toYaml(request: ClusterRequest): string {
  return clusterManifests(request)
    .map(m => `---\n${JSON.stringify(m, null, 2)}\n`)
    .join('');
}
