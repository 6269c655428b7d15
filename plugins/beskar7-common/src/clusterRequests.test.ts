import { clusterManifests, ClusterRequest } from './clusterRequests';

const request: ClusterRequest = {
  namespace: 'fleet',
  name: 'payments',
  kubernetesVersion: 'v1.32.0',
  controlPlaneEndpoint: { host: '10.0.10.100', port: 6443 },
  controlPlaneReplicas: 3,
  workerReplicas: 2,
  hostSelector: {
    pool: 'gpu',
    selector: { matchLabels: { rack: 'a' } },
    minCpuCores: 16,
  },
  imageUrl: 'https://images.example/ubuntu.iso',
  osFamily: 'cloud-init',
};

describe('clusterManifests', () => {
  it('builds the objects of the cluster template, what they refer to first', () => {
    const manifests = clusterManifests(request);
    expect(manifests.map(m => `${m.kind}/${m.metadata.name}`)).toEqual([
      'Beskar7MachineTemplate/payments-control-plane',
      'Beskar7MachineTemplate/payments-md-0',
      'KubeadmConfigTemplate/payments-md-0',
      'Beskar7Cluster/payments',
      'KubeadmControlPlane/payments-control-plane',
      'MachineDeployment/payments-md-0',
      'Cluster/payments',
    ]);
    expect(manifests.every(m => m.metadata.namespace === 'fleet')).toBe(true);
    // The CRD's field names: minCPUCores, matchLabels beside pool.
    expect(manifests[0].spec).toEqual({
      template: {
        spec: {
          imageURL: 'https://images.example/ubuntu.iso',
          osFamily: 'cloud-init',
          hostSelector: { pool: 'gpu', matchLabels: { rack: 'a' } },
          hardwareRequirements: { minCPUCores: 16 },
        },
      },
    });
    expect(manifests[4].spec).toMatchObject({
      replicas: 3,
      version: 'v1.32.0',
      kubeadmConfigSpec: { format: 'cloud-config' },
    });
    expect(manifests[5].spec).toMatchObject({
      clusterName: 'payments',
      replicas: 2,
    });
    expect(manifests[6].metadata.annotations).toBeUndefined();
  });

  it('asks kubeadm for Ignition on flatcar and annotates the owner', () => {
    const manifests = clusterManifests({
      ...request,
      osFamily: 'flatcar',
      owner: 'group:default/payments',
      hostSelector: {},
    });
    expect(manifests[0].spec).toEqual({
      template: {
        spec: {
          imageURL: 'https://images.example/ubuntu.iso',
          osFamily: 'flatcar',
        },
      },
    });
    expect(manifests[2].spec).toMatchObject({
      template: { spec: { format: 'ignition' } },
    });
    expect(manifests[6].metadata.annotations).toEqual({
      'beskar7.io/owner': 'group:default/payments',
    });
  });
});
