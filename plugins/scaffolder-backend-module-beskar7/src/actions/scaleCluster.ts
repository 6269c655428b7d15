import {
  createTemplateAction,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import {
  ClusterScaleActionInput,
  ClusterScaleActionOutput,
} from './actionTypes';
import { z } from 'zod/v3';
import { ClusterActionOptions } from './clusters';
import { clusterScaleInput, clusterScaleOutput } from './clusterSchema';
import { explained } from './errors';
import { parseInput } from './schema';

/**
 * `beskar7:cluster:scale`: sets the replicas of a cluster's worker
 * MachineDeployment. Permission `beskar7.cluster.create`, as scaling up
 * claims hosts as creating does; the backend checks and audits it.
 *
 * @public
 */
export function createClusterScaleAction(
  options: ClusterActionOptions,
): TemplateAction<ClusterScaleActionInput, ClusterScaleActionOutput, 'v2'> {
  const { beskar7 } = options;
  return createTemplateAction({
    id: 'beskar7:cluster:scale',
    description:
      "Sets the replicas of a Beskar7 cluster's worker MachineDeployment (beskar7.cluster.create): Cluster API adds or removes Machines, whose hosts Beskar7 claims or releases.",
    schema: { input: clusterScaleInput, output: clusterScaleOutput },
    async handler(ctx) {
      const input = parseInput(clusterScaleInput(z), ctx.input);
      const credentials = await ctx.getInitiatorCredentials();
      const result = await explained(
        `scale cluster ${input.namespace}/${input.name}`,
        () =>
          beskar7.scaleCluster(
            input.namespace,
            input.name,
            {
              replicas: input.replicas,
              machineDeployment: input.machineDeployment,
            },
            { credentials },
          ),
      );
      ctx.logger.info(
        `MachineDeployment ${result.machineDeployment}: ${result.previousReplicas} -> ${result.replicas} replicas`,
      );
      ctx.output('machineDeployment', result.machineDeployment);
      ctx.output('previousReplicas', result.previousReplicas);
      ctx.output('replicas', result.replicas);
    },
  });
}
