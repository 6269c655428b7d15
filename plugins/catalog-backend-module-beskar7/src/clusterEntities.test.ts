import { ClusterSummary } from '@beskar7/backstage-plugin-beskar7-common';
import { clusterEntity } from './clusterEntities';

const context = {
  owner: 'group:default/metal',
  apiUrl: 'http://localhost:7007/api/beskar7',
};

const cluster: ClusterSummary = {
  namespace: 'payments',
  name: 'payments-prod',
  phase: 'Provisioned',
  controlPlaneEndpoint: '10.0.0.10:6443',
  kubernetesVersion: 'v1.32.0',
  machineDeployments: [],
  failureDomains: [],
  problems: [],
  owner: 'group:default/payments',
  paused: false,
};

const host = (namespace: string, name: string) =>
  ({ namespace, name } as Parameters<typeof clusterEntity>[1][number]);

describe('clusterEntity', () => {
  it('is a kubernetes-cluster Resource owned by its annotation, depending on its hosts', () => {
    expect(
      clusterEntity(
        cluster,
        [host('simulator', 'sim-00'), host('rack-a', 'node-3')],
        context,
      ),
    ).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'payments-prod',
        namespace: 'payments',
        description:
          'Cluster API cluster on Beskar7 bare metal: Kubernetes v1.32.0, phase Provisioned, control plane at 10.0.0.10:6443',
        annotations: {
          'backstage.io/managed-by-location':
            'url:http://localhost:7007/api/beskar7/clusters/payments/payments-prod',
          'backstage.io/managed-by-origin-location':
            'url:http://localhost:7007/api/beskar7/clusters/payments/payments-prod',
          'beskar7.io/cluster': 'payments/payments-prod',
        },
      },
      spec: {
        type: 'kubernetes-cluster',
        owner: 'group:default/payments',
        lifecycle: 'production',
        dependsOn: ['resource:simulator/sim-00', 'resource:rack-a/node-3'],
      },
    });
  });

  it("falls back to the module's owner, and says little of a new cluster", () => {
    const entity = clusterEntity(
      {
        ...cluster,
        owner: undefined,
        phase: undefined,
        kubernetesVersion: undefined,
        controlPlaneEndpoint: undefined,
      },
      [],
      context,
    );
    expect(entity.spec).toMatchObject({
      owner: 'group:default/metal',
      dependsOn: [],
    });
    expect(entity.metadata.description).toBe(
      'Cluster API cluster on Beskar7 bare metal',
    );
  });
});
