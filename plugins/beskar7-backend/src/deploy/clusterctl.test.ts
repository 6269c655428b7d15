import { mockServices } from '@backstage/backend-test-utils';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { CoreV1Api, KubernetesObject } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import {
  CLUSTER_API_SKIPPED,
  clusterApiAvailable,
  ClusterApiTestEnvironment,
  createClusterApiTestEnvironment,
  MemoryBackend,
} from '@beskar7/backend-testing/kubernetes';
import { KubernetesController } from '../kubernetes/KubernetesController';
import { GROUP, VERSION } from '../kubernetes/types';

/*
 * The clusterctl release (scripts/clusterctl-release.mjs) as a platform team
 * uses it: Cluster API's own clusterctl reads it from a local repository,
 * renders the provider's components and a cluster, and the real API server
 * with Cluster API's webhooks takes what it rendered.
 */
const run = promisify(execFile);
const REPO = resolve(__dirname, '../../../..');
const describeCapi = clusterApiAvailable() ? describe : describe.skip;

describeCapi('the clusterctl release', () => {
  let env: ClusterApiTestEnvironment;
  let work: string;
  let config: string;
  let controller: KubernetesController;
  const backend = new MemoryBackend();

  const clusterctl = async (args: string[], vars: object = {}) =>
    (
      await run(env.clusterctl, [...args, '--config', config], {
        // clusterctl keeps state under HOME and asks GitHub for news.
        env: {
          PATH: process.env.PATH,
          HOME: work,
          CLUSTERCTL_DISABLE_VERSIONCHECK: 'true',
          ...vars,
        },
      })
    ).stdout;
  const objects = (yaml: string): KubernetesObject[] =>
    parseAllDocuments(yaml)
      .map(d => d.toJS())
      .filter(Boolean);

  beforeAll(async () => {
    env = await createClusterApiTestEnvironment();
    // The backend's Kubernetes side, on an inventory in memory: what marks
    // the Beskar7Cluster ready.
    controller = new KubernetesController({
      kubeConfig: env.kubeConfig,
      inventory: backend,
      machines: backend,
      status: backend,
      logger: mockServices.logger.mock(),
      instance: 'clusterctl-test',
      namespace: env.namespace,
      resyncIntervalMs: 1_000,
    });
    controller.start();
    work = mkdtempSync(join(tmpdir(), 'beskar7-clusterctl-'));
    const { stdout } = await run(process.execPath, [
      join(REPO, 'scripts/clusterctl-release.mjs'),
      join(work, 'repository'),
    ]);
    const release = stdout.trim();
    config = join(work, 'clusterctl.yaml');
    writeFileSync(
      config,
      JSON.stringify({
        providers: [
          {
            name: 'beskar7',
            type: 'InfrastructureProvider',
            url: `file://${release}/infrastructure-components.yaml`,
          },
        ],
      }),
    );
  }, 60_000);
  afterAll(async () => {
    await controller?.stop();
    await env?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('names what a cluster needs: endpoint, image and Kubernetes version', async () => {
    const listed = await clusterctl([
      'generate',
      'cluster',
      'demo',
      '--infrastructure',
      'beskar7:v0.1.0',
      '--target-namespace',
      env.namespace,
      '--list-variables',
    ]);
    const required = listed
      .split('Optional Variables:')[0]
      .match(/- [A-Z0-9_]+/g)
      ?.map(v => v.slice(2));
    expect(required).toEqual([
      'BESKAR7_IMAGE_URL',
      'CONTROL_PLANE_ENDPOINT_HOST',
      'KUBERNETES_VERSION',
    ]);
  });

  it('renders a cluster the API server and Cluster API take, and Cluster API builds on it', async () => {
    const rendered = objects(
      await clusterctl(
        [
          'generate',
          'cluster',
          'demo',
          '--infrastructure',
          'beskar7:v0.1.0',
          '--target-namespace',
          env.namespace,
          '--kubernetes-version',
          'v1.32.0',
          '--control-plane-machine-count',
          '1',
          '--worker-machine-count',
          '1',
        ],
        {
          CONTROL_PLANE_ENDPOINT_HOST: '10.0.0.10',
          BESKAR7_IMAGE_URL: 'https://images.example/ubuntu-24.04.iso',
        },
      ),
    );
    expect(rendered.map(o => o.kind)).toEqual([
      'Cluster',
      'Beskar7Cluster',
      'KubeadmControlPlane',
      'Beskar7MachineTemplate',
      'MachineDeployment',
      'Beskar7MachineTemplate',
      'KubeadmConfigTemplate',
    ]);
    const refused: string[] = [];
    for (const object of rendered) {
      await env
        .apply(object)
        .catch(error =>
          refused.push(`${object.kind}/${object.metadata?.name}: ${error}`),
        );
    }
    expect(refused).toEqual([]);

    // The Cluster adopts its Beskar7Cluster; the workers' MachineSet waits
    // for the control plane.
    const beskar7Cluster = () =>
      env.custom.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: env.namespace,
        plural: 'beskar7clusters',
        name: 'demo',
      });
    await eventually(
      beskar7Cluster,
      (b7c: any) =>
        (b7c.metadata.ownerReferences ?? []).some(
          (o: any) => o.kind === 'Cluster' && o.name === 'demo',
        ),
      {
        what: 'the Beskar7Cluster to be owned by Cluster demo',
        timeoutMs: 30_000,
      },
    );
    const [workers] = await eventually(
      () => env.machineSets(env.namespace, 'demo'),
      sets => sets.length === 1,
      { what: "the workers' MachineSet", timeoutMs: 30_000 },
    );
    expect(workers.spec.template.spec.infrastructureRef).toMatchObject({
      kind: 'Beskar7MachineTemplate',
      name: 'demo-md-0',
    });

    // The backend's Beskar7Cluster reconcile marks the infrastructure
    // ready (the endpoint is given). Then the kubeadm control plane starts
    // its first Machine, cloned from the control-plane template, and the
    // kubeadm bootstrap provider writes its bootstrap data from the
    // template's kubeadm configuration.
    const ready: any = await eventually(
      beskar7Cluster,
      (b7c: any) => b7c.status?.ready === true,
      { what: 'the Beskar7Cluster to be ready', timeoutMs: 30_000 },
    );
    expect(ready.status.initialization).toEqual({ provisioned: true });
    const [controlPlane] = await eventually(
      () => env.machines(env.namespace, 'demo'),
      machines =>
        machines.length === 1 &&
        Boolean(machines[0].spec.bootstrap.dataSecretName),
      {
        what: 'the first control-plane Machine with its bootstrap data',
        timeoutMs: 60_000,
      },
    );
    expect(controlPlane.metadata.labels).toHaveProperty([
      'cluster.x-k8s.io/control-plane',
    ]);
    const infra: any = await env.custom.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: env.namespace,
      plural: 'beskar7machines',
      name: controlPlane.spec.infrastructureRef.name,
    });
    expect(infra.spec).toMatchObject({
      imageURL: 'https://images.example/ubuntu-24.04.iso',
      osFamily: 'cloud-init',
      hostSelector: { pool: 'default' },
    });
    expect(infra.spec.configURL).toBeUndefined();
    const secret = await env.kubeConfig
      .makeApiClient(CoreV1Api)
      .readNamespacedSecret({
        name: controlPlane.spec.bootstrap.dataSecretName,
        namespace: env.namespace,
      });
    expect(Buffer.from(secret.data!.format, 'base64').toString()).toBe(
      'cloud-config',
    );
    // cloud-init renders it as a Jinja template, filling in the node's name
    // and provider ID from the meta-data Beskar7 serves.
    const userData = Buffer.from(secret.data!.value, 'base64').toString();
    expect(userData.split('\n')[0]).toBe('## template: jinja');
    // (kubeadm's v1beta4 configuration, as Kubernetes 1.32 takes it.)
    expect(userData).toMatch(
      /- name: provider-id\n\s+value: '\{\{ ds\.meta_data\.provider_id \}\}'/,
    );
    expect(userData).toContain("name: '{{ ds.meta_data.local_hostname }}'");
  }, 120_000);

  it("renders the provider's components, which the API server takes", async () => {
    const components = objects(
      await clusterctl([
        'generate',
        'provider',
        '--infrastructure',
        'beskar7:v0.1.0',
        '--target-namespace',
        env.namespace,
      ]),
    );
    expect(
      components.find(o => o.kind === 'Deployment')?.metadata?.namespace,
    ).toBe(env.namespace);
    const refused: string[] = [];
    for (const object of components) {
      await env
        .apply(object, { dryRun: true })
        .catch(error =>
          refused.push(`${object.kind}/${object.metadata?.name}: ${error}`),
        );
    }
    expect(refused).toEqual([]);
  }, 60_000);
});

if (!clusterApiAvailable()) {
  it.skip(`clusterctl release ${CLUSTER_API_SKIPPED}`, () => {});
}
