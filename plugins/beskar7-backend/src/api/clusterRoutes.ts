import {
  beskar7ClusterCreatePermission,
  beskar7ClusterDeletePermission,
  beskar7ClusterReadPermission,
  ClusterList,
} from '@beskar7/backstage-plugin-beskar7-common';
import { NotFoundError } from '@backstage/errors';
import { ClusterService, ClusterWriter } from '../clusters';
import { AuthorizedRoutes } from './AuthorizedRoutes';
import { parseClusterRequest, plausibleClusterRef } from './validation';

/** What the cluster routes need; both only with the Kubernetes side. */
export interface ClusterRouteServices {
  clusters: Pick<ClusterService, 'list' | 'get'>;
  writer: Pick<ClusterWriter, 'create' | 'scale' | 'delete'>;
}

const DISABLED =
  'No clusters: the Kubernetes integration (beskar7.kubernetes) is not enabled';

/**
 * Cluster API clusters on Beskar7 hosts: read with beskar7.cluster.read,
 * created and scaled with beskar7.cluster.create (scaling up claims hosts as
 * creating does), deleted with beskar7.cluster.delete. The writes are applied
 * with the backend's Kubernetes credentials once the caller's permission is
 * checked, and audited. Without the Kubernetes side the list is empty and
 * says why.
 */
export function addClusterRoutes(
  routes: AuthorizedRoutes,
  services: ClusterRouteServices | undefined,
) {
  const read = { permission: beskar7ClusterReadPermission };
  const enabled = () => {
    if (!services) throw new NotFoundError(DISABLED);
    return services;
  };

  routes.get('/clusters', read, async (_req, res) => {
    const body: ClusterList = services
      ? { items: await services.clusters.list(), kubernetesEnabled: true }
      : { items: [], kubernetesEnabled: false };
    res.json(body);
  });

  routes.post(
    '/clusters',
    { permission: beskar7ClusterCreatePermission, audit: 'cluster-create' },
    async (req, res, call) => {
      const request = parseClusterRequest(req.body);
      const { namespace, name } = request;
      const { writer } = enabled();
      const meta = {
        namespace,
        name,
        controlPlaneReplicas: request.controlPlaneReplicas,
        workerReplicas: request.workerReplicas,
      };
      const result = await call.audited(meta, () => writer.create(request));
      res.status(result.created ? 201 : 200).json(result);
    },
  );

  routes.get('/clusters/:namespace/:name', read, async (req, res) => {
    const { namespace, name } = plausibleClusterRef(
      req.params.namespace,
      req.params.name,
    );
    res.json(await enabled().clusters.get(namespace, name));
  });

  routes.post(
    '/clusters/:namespace/:name/scale',
    { permission: beskar7ClusterCreatePermission, audit: 'cluster-scale' },
    async (req, res, call) => {
      const { namespace, name } = plausibleClusterRef(
        req.params.namespace,
        req.params.name,
      );
      const scale = req.body;
      const { clusters, writer } = enabled();
      // Only a cluster on Beskar7 hosts: 404 for any other.
      await clusters.get(namespace, name);
      res.json(
        await call.audited({ namespace, name, ...scale }, () =>
          writer.scale(namespace, name, scale),
        ),
      );
    },
  );

  routes.delete(
    '/clusters/:namespace/:name',
    { permission: beskar7ClusterDeletePermission, audit: 'cluster-delete' },
    async (req, res, call) => {
      const { namespace, name } = plausibleClusterRef(
        req.params.namespace,
        req.params.name,
      );
      const { clusters, writer } = enabled();
      await clusters.get(namespace, name);
      await call.audited({ namespace, name }, () =>
        writer.delete(namespace, name),
      );
      res.status(202).end();
    },
  );
}
