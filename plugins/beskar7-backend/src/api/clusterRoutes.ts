import {
  beskar7ClusterReadPermission,
  ClusterList,
} from '@beskar7/backstage-plugin-beskar7-common';
import { NotFoundError } from '@backstage/errors';
import { Router } from 'express';
import { ClusterService } from '../clusters';
import { RouteGuard } from './guard';
import { plausibleClusterRef } from './validation';

/**
 * Cluster API clusters on Beskar7 hosts (beskar7.cluster.read). Without the
 * Kubernetes side the list is empty and says why.
 */
export function addClusterRoutes(
  router: Router,
  guard: RouteGuard,
  clusters: Pick<ClusterService, 'list' | 'get'> | undefined,
) {
  router.get('/clusters', async (req, res) => {
    await guard.authorize(req, beskar7ClusterReadPermission);
    const body: ClusterList = clusters
      ? { items: await clusters.list(), kubernetesEnabled: true }
      : { items: [], kubernetesEnabled: false };
    res.json(body);
  });

  router.get('/clusters/:namespace/:name', async (req, res) => {
    await guard.authorize(req, beskar7ClusterReadPermission);
    const { namespace, name } = plausibleClusterRef(
      req.params.namespace,
      req.params.name,
    );
    if (!clusters) {
      throw new NotFoundError(
        'No clusters: the Kubernetes integration (beskar7.kubernetes) is not enabled',
      );
    }
    res.json(await clusters.get(namespace, name));
  });
}
