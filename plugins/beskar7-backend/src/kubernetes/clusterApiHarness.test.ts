import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import {
  CLUSTER_API_SKIPPED,
  CLUSTER_API_VERSION,
  clusterApiAvailable,
  ClusterApiTestEnvironment,
  createClusterApiTestEnvironment,
} from '@beskar7/backend-testing/kubernetes';
import { API_VERSION, GROUP, VERSION } from './types';

/*
 * The harness itself (scripts/cluster-api.sh): Cluster API's managers and
 * webhooks run beside the real API server and know this provider's kinds.
 * No Beskar7 backend runs here, so nothing is provisioned: that is the
 * Cluster API scenarios' part.
 */
const describeCapi = clusterApiAvailable() ? describe : describe.skip;

describeCapi("Cluster API's controllers with Beskar7's CRDs", () => {
  let env: ClusterApiTestEnvironment;
  beforeAll(async () => {
    env = await createClusterApiTestEnvironment();
  }, 60_000);
  afterAll(() => env?.stop());

  const cluster = 'smoke';
  // No configURL: a Machine's configuration is its bootstrap data.
  const machineSpec = {
    imageURL: 'https://images.example/ubuntu.iso',
    osFamily: 'cloud-init',
  };
  const machineDeployment = (version: string) => ({
    apiVersion: CLUSTER_API_VERSION,
    kind: 'MachineDeployment',
    metadata: { name: `${cluster}-workers` },
    spec: {
      clusterName: cluster,
      replicas: 1,
      template: {
        spec: {
          clusterName: cluster,
          version,
          bootstrap: {
            configRef: {
              apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta1',
              kind: 'KubeadmConfigTemplate',
              name: `${cluster}-workers`,
            },
          },
          infrastructureRef: {
            apiVersion: API_VERSION,
            kind: 'Beskar7MachineTemplate',
            name: `${cluster}-workers`,
          },
        },
      },
    },
  });

  it('takes a Cluster on a Beskar7Cluster and a MachineDeployment on a Beskar7MachineTemplate, and clones the template', async () => {
    await env.apply({
      apiVersion: API_VERSION,
      kind: 'Beskar7Cluster',
      metadata: { name: cluster },
      spec: { controlPlaneEndpoint: { host: '10.0.0.10', port: 6443 } },
    });
    await env.apply({
      apiVersion: CLUSTER_API_VERSION,
      kind: 'Cluster',
      metadata: { name: cluster },
      spec: {
        infrastructureRef: {
          apiVersion: API_VERSION,
          kind: 'Beskar7Cluster',
          name: cluster,
        },
      },
    });
    await env.apply({
      apiVersion: API_VERSION,
      kind: 'Beskar7MachineTemplate',
      metadata: { name: `${cluster}-workers` },
      spec: { template: { spec: machineSpec } },
    });
    await env.apply({
      apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta1',
      kind: 'KubeadmConfigTemplate',
      metadata: { name: `${cluster}-workers` },
      spec: { template: { spec: {} } },
    });
    const applied: any = await env.apply(machineDeployment('v1.32.0'));

    // Cluster API's defaulting webhook gave it a selector and labels.
    expect(applied.spec.selector.matchLabels).toMatchObject({
      'cluster.x-k8s.io/cluster-name': cluster,
      'cluster.x-k8s.io/deployment-name': `${cluster}-workers`,
    });

    // The Cluster controller adopts the Beskar7Cluster.
    await eventually(
      () =>
        env.custom.getNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace: env.namespace,
          plural: 'beskar7clusters',
          name: cluster,
        }),
      (b7c: any) =>
        (b7c.metadata.ownerReferences ?? []).some(
          (o: any) => o.kind === 'Cluster' && o.name === cluster,
        ),
      {
        what: 'the Beskar7Cluster to be owned by its Cluster',
        timeoutMs: 30_000,
      },
    );

    // The MachineDeployment controller makes a MachineSet, whose controller
    // makes a Machine and clones the template into its Beskar7Machine.
    const [machineSet] = await eventually(
      () => env.machineSets(env.namespace, cluster),
      sets => sets.length === 1,
      { what: 'a MachineSet', timeoutMs: 30_000 },
    );
    expect(machineSet.spec.template.spec.infrastructureRef.kind).toBe(
      'Beskar7MachineTemplate',
    );
    const [machine] = await eventually(
      () => env.machines(env.namespace, cluster),
      machines => machines.length === 1,
      { what: 'a Machine', timeoutMs: 30_000 },
    );
    // Cloned by the MachineSet controller, then adopted by its Machine.
    const infra: any = await eventually(
      () =>
        env.custom.getNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace: env.namespace,
          plural: 'beskar7machines',
          name: machine.spec.infrastructureRef.name,
        }),
      (b7m: any) =>
        (b7m.metadata.ownerReferences ?? []).some(
          (o: any) => o.kind === 'Machine' && o.name === machine.metadata.name,
        ),
      {
        what: 'the Beskar7Machine to be owned by its Machine',
        timeoutMs: 30_000,
      },
    );
    expect(infra.spec).toEqual({
      ...machineSpec,
      provisioningMode: 'RemoteConfig',
      bootMode: 'UEFI',
    });
    expect(env.managerLog('cluster-api-manager')).not.toMatch(
      /beskar7machinetemplates\.infrastructure\.cluster\.x-k8s\.io.*not found/,
    );
  }, 120_000);

  it("is judged by Cluster API's validating webhook", async () => {
    await expect(
      env.apply({
        ...machineDeployment('not-a-version'),
        metadata: { name: `${cluster}-refused` },
      }),
    ).rejects.toThrow(/version/);
  });
});

if (!clusterApiAvailable()) {
  it.skip(`Cluster API harness ${CLUSTER_API_SKIPPED}`, () => {});
}
