import { InputError } from '@backstage/errors';
import {
  createTemplateAction,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import {
  ClusterDeleteActionInput,
  ClusterDeleteActionOutput,
} from './actionTypes';
import { z } from 'zod/v3';
import { ClusterActionOptions } from './clusters';
import { clusterDeleteInput } from './clusterSchema';
import { explained } from './errors';
import { parseInput } from './schema';

/**
 * `beskar7:cluster:delete`: deletes a cluster once `confirm` repeats its
 * name. Cluster API deletes its Machines and Beskar7 releases their hosts.
 * Permission `beskar7.cluster.delete`; the backend checks and audits it.
 *
 * @public
 */
export function createClusterDeleteAction(
  options: ClusterActionOptions,
): TemplateAction<ClusterDeleteActionInput, ClusterDeleteActionOutput, 'v2'> {
  const { beskar7 } = options;
  return createTemplateAction({
    id: 'beskar7:cluster:delete',
    description:
      'Deletes a Beskar7 cluster (beskar7.cluster.delete) once confirm repeats its name: Cluster API deletes its Machines and every host it held is released.',
    schema: { input: clusterDeleteInput },
    async handler(ctx) {
      const input = parseInput(clusterDeleteInput(z), ctx.input);
      if (input.confirm !== input.name) {
        throw new InputError(
          `confirm: must repeat the cluster name ${input.name}; nothing was deleted`,
        );
      }
      const credentials = await ctx.getInitiatorCredentials();
      await explained(`delete cluster ${input.namespace}/${input.name}`, () =>
        beskar7.deleteCluster(input.namespace, input.name, { credentials }),
      );
      ctx.logger.info(
        `Cluster ${input.namespace}/${input.name} is being deleted; its hosts are released as its Machines go`,
      );
    },
  });
}
