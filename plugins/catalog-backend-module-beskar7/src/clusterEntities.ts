import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ClusterSummary, Host } from '@beskar7/backstage-plugin-beskar7-common';
import { EntityContext } from './entities';

/**
 * Annotation with the cluster's `namespace/name`, on cluster entities.
 *
 * @public
 */
export const ANNOTATION_BESKAR7_CLUSTER = 'beskar7.io/cluster';

/**
 * A Cluster API cluster as a `kubernetes-cluster` Resource: in the catalog
 * namespace of its Kubernetes namespace (as hosts are), owned by the entity
 * its `beskar7.io/owner` annotation names (else the module's owner), and
 * depending on the host entities its Machines hold.
 */
export function clusterEntity(
  cluster: ClusterSummary,
  hosts: Host[],
  context: EntityContext,
): Entity {
  const ref = `${cluster.namespace}/${cluster.name}`;
  const location = `url:${context.apiUrl}/clusters/${ref}`;
  const facts = [
    cluster.kubernetesVersion && `Kubernetes ${cluster.kubernetesVersion}`,
    cluster.phase && `phase ${cluster.phase}`,
    cluster.controlPlaneEndpoint &&
      `control plane at ${cluster.controlPlaneEndpoint}`,
  ].filter(Boolean);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: cluster.name,
      namespace: cluster.namespace,
      description: `Cluster API cluster on Beskar7 bare metal${
        facts.length ? `: ${facts.join(', ')}` : ''
      }`,
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [ANNOTATION_BESKAR7_CLUSTER]: ref,
      },
    },
    spec: {
      type: 'kubernetes-cluster',
      owner: cluster.owner ?? context.owner,
      lifecycle: 'production',
      // Host entities are named as the host catalog entities are (entities.ts).
      dependsOn: hosts.map(host =>
        stringifyEntityRef({
          kind: 'resource',
          namespace: host.namespace,
          name: host.name,
        }),
      ),
    },
  };
}
