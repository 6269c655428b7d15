import {
  beskar7ClusterReadPermission,
  ClusterList,
} from '@beskar7/backstage-plugin-beskar7-common';
import { NotFoundError } from '@backstage/errors';
import { ClusterService } from '../clusters';
import { AuthorizedRoutes } from './AuthorizedRoutes';
import { plausibleClusterRef } from './validation';

/**
 * Cluster API clusters on Beskar7 hosts (beskar7.cluster.read). Without the
 * Kubernetes side the list is empty and says why.
 */
export function addClusterRoutes(
  routes: AuthorizedRoutes,
  clusters: Pick<ClusterService, 'list' | 'get'> | undefined,
) {
  const read = { permission: beskar7ClusterReadPermission };

  routes.get('/clusters', read, async (_req, res) => {
    const body: ClusterList = clusters
      ? { items: await clusters.list(), kubernetesEnabled: true }
      : { items: [], kubernetesEnabled: false };
    res.json(body);
  });

  routes.get('/clusters/:namespace/:name', read, async (req, res) => {
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
