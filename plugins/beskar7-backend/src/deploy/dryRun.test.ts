import {
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import {
  createKubeTestEnvironment,
  KubeTestEnvironment,
  REAL_CLUSTER_ENV,
  REAL_CLUSTER_SKIPPED,
} from '@beskar7/backend-testing/kubernetes';

/*
 * `kubectl apply -k deploy/ --dry-run=server --server-side`, without kubectl:
 * every object the kustomization installs is sent to a real API server
 * (scripts/kube-cluster.sh) as a server-side apply with dryRun=All, so the
 * server's own schemas, defaulting and admission judge it. The
 * PrometheusRule needs the Prometheus Operator's CRD, which this cluster does
 * not have; promtool checks its rules (scripts/monitoring.sh).
 */

const DEPLOY = resolve(__dirname, '../../../../deploy');
const FIELD_MANAGER = 'beskar7-dry-run';

/** The objects `kubectl kustomize deploy/` renders: its resources and its dashboard ConfigMap. */
function kustomizedObjects(): KubernetesObject[] {
  const kustomization = parse(
    readFileSync(join(DEPLOY, 'kustomization.yaml'), 'utf8'),
  );
  const resources = (kustomization.resources as string[]).flatMap(file =>
    parseAllDocuments(readFileSync(join(DEPLOY, file), 'utf8')).map(
      d => d.toJS() as KubernetesObject,
    ),
  );
  const generated = (
    kustomization.configMapGenerator as Array<{
      name: string;
      namespace: string;
      files: string[];
      options: { labels: Record<string, string> };
    }>
  ).map(g => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: g.name,
      namespace: g.namespace,
      labels: g.options.labels,
    },
    data: Object.fromEntries(
      g.files.map(f => [basename(f), readFileSync(join(DEPLOY, f), 'utf8')]),
    ),
  }));
  return [...resources, ...generated];
}

const dryRunApply = (client: KubernetesObjectApi, object: KubernetesObject) =>
  client.patch(
    object,
    undefined,
    'All',
    FIELD_MANAGER,
    true,
    PatchStrategy.ServerSideApply,
  );

const describeReal = process.env[REAL_CLUSTER_ENV] ? describe : describe.skip;

describeReal('deploy/ against a real API server (dry run)', () => {
  let env: KubeTestEnvironment;
  let client: KubernetesObjectApi;

  beforeAll(async () => {
    // The CRDs are installed for real, as an operator does first: a dry run
    // of an object of a kind the server does not know yet proves nothing.
    env = await createKubeTestEnvironment('real cluster');
    client = KubernetesObjectApi.makeApiClient(env.kubeConfig);
  }, 60_000);

  afterAll(() => env?.stop());

  /**
   * Namespaced objects are judged only in a namespace that exists: the run's
   * own (as `kustomize edit set namespace` would place them), since the
   * dry-run Namespace `beskar7` is never created.
   */
  const inRunNamespace = (object: KubernetesObject): KubernetesObject =>
    object.metadata?.namespace
      ? {
          ...object,
          metadata: { ...object.metadata, namespace: env.namespace },
        }
      : object;

  it('accepts every object of the kustomization', async () => {
    const objects = kustomizedObjects();
    expect(objects.map(o => o.kind).sort()).toEqual([
      'ClusterRole',
      'ClusterRole',
      'ClusterRole',
      'ClusterRoleBinding',
      'ConfigMap',
      'ConfigMap',
      'CustomResourceDefinition',
      'CustomResourceDefinition',
      'CustomResourceDefinition',
      'CustomResourceDefinition',
      'Deployment',
      'Namespace',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'PrometheusRule',
      'Role',
      'RoleBinding',
      'RoleBinding',
      'RoleBinding',
      'Service',
      'ServiceAccount',
    ]);
    const refused: string[] = [];
    for (const object of objects.filter(o => o.kind !== 'PrometheusRule')) {
      await dryRunApply(client, inRunNamespace(object)).catch(error =>
        refused.push(`${object.kind}/${object.metadata?.name}: ${error}`),
      );
    }
    expect(refused).toEqual([]);
  }, 60_000);

  it('is judged by the server: a broken NetworkPolicy is refused', async () => {
    const policy = kustomizedObjects().find(o => o.kind === 'NetworkPolicy')!;
    const broken = {
      ...policy,
      spec: { ...(policy as any).spec, policyTypes: ['Sideways'] },
    };
    await expect(dryRunApply(client, inRunNamespace(broken))).rejects.toThrow(
      /Sideways/,
    );
  });
});

if (!process.env[REAL_CLUSTER_ENV]) {
  it.skip(`${REAL_CLUSTER_SKIPPED}`, () => {});
}
