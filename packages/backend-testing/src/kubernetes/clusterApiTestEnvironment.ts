import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createKubeTestEnvironment,
  KubeTestEnvironment,
  REAL_CLUSTER_ENV,
} from './kubeTestEnvironment';

/**
 * The folder `scripts/cluster-api.sh start DIR` prints (scripts/test.sh sets
 * it): Cluster API's managers run there against the API server of
 * BESKAR7_TEST_KUBECONFIG.
 */
export const CLUSTER_API_ENV = 'BESKAR7_TEST_CLUSTER_API';

/** Why scripts/cluster-api.sh could not start the managers (scripts/test.sh sets it). */
export const CLUSTER_API_MISSING_ENV = 'BESKAR7_TEST_CLUSTER_API_MISSING';

/** Whether Cluster API's controllers run beside a real API server. */
export function clusterApiAvailable(): boolean {
  return Boolean(process.env[CLUSTER_API_ENV] && process.env[REAL_CLUSTER_ENV]);
}

export const CLUSTER_API_SKIPPED = `against Cluster API's controllers: skipped, ${
  process.env[CLUSTER_API_MISSING_ENV] ??
  `set ${REAL_CLUSTER_ENV} to DIR/kubeconfig and ${CLUSTER_API_ENV} to what scripts/cluster-api.sh start DIR prints (after scripts/kube-cluster.sh start DIR) to run`
}`;

/** Cluster API's core kinds' API version (contract v1beta1). */
export const CLUSTER_API_VERSION = 'cluster.x-k8s.io/v1beta1';

/** The managers scripts/cluster-api.sh runs, by the name of their log. */
export type ClusterApiManager =
  | 'cluster-api-manager'
  | 'kubeadm-bootstrap-manager'
  | 'kubeadm-control-plane-manager';

export interface ClusterApiTestEnvironment extends KubeTestEnvironment {
  custom: CustomObjectsApi;
  /** The managers' folder: their logs, and the `clusterctl` binary. */
  dir: string;
  clusterctl: string;
  /** Another namespace of this run's own, for a test that wants one to itself. */
  newNamespace(): Promise<string>;
  /**
   * Server-side apply (as `kubectl apply --server-side`), so Cluster API's
   * webhooks default and validate it; a namespaced object goes to
   * `namespace` unless it names one. Returns the object as stored (as it
   * would be, with `dryRun`).
   */
  apply<T extends KubernetesObject = any>(
    object: T,
    options?: { dryRun?: boolean },
  ): Promise<T>;
  /** Cluster API's Machines, MachineSets, MachineDeployments of a namespace, of one Cluster when named. */
  machines(namespace?: string, clusterName?: string): Promise<any[]>;
  machineSets(namespace?: string, clusterName?: string): Promise<any[]>;
  machineDeployments(namespace?: string, clusterName?: string): Promise<any[]>;
  /** A manager's log so far, for a test that must show what a controller said. */
  managerLog(manager: ClusterApiManager): string;
}

/**
 * The real API server of BESKAR7_TEST_KUBECONFIG with the project's CRDs and
 * a fresh namespace, where Cluster API's core, kubeadm bootstrap and kubeadm
 * control-plane managers (started once for the whole test run by
 * scripts/cluster-api.sh) reconcile. Only when {@link clusterApiAvailable}.
 */
export async function createClusterApiTestEnvironment(): Promise<ClusterApiTestEnvironment> {
  const dir = process.env[CLUSTER_API_ENV];
  if (!clusterApiAvailable() || !dir) {
    throw new Error(CLUSTER_API_SKIPPED);
  }
  const kube = await createKubeTestEnvironment('real cluster');
  const custom = kube.kubeConfig.makeApiClient(CustomObjectsApi);
  const objects = KubernetesObjectApi.makeApiClient(
    inNamespace(kube.kubeConfig, kube.namespace),
  );
  const core = kube.kubeConfig.makeApiClient(CoreV1Api);
  const namespaces: string[] = [];

  const list =
    (plural: string) =>
    async (namespace = kube.namespace, clusterName?: string) => {
      const result: any = await custom.listNamespacedCustomObject({
        group: 'cluster.x-k8s.io',
        version: 'v1beta1',
        namespace,
        plural,
        labelSelector: clusterName
          ? `cluster.x-k8s.io/cluster-name=${clusterName}`
          : undefined,
      });
      return result.items;
    };

  return {
    ...kube,
    custom,
    dir,
    clusterctl: join(dir, 'clusterctl'),
    async newNamespace() {
      const name = `beskar7-capi-${randomBytes(4).toString('hex')}`;
      await core.createNamespace({ body: { metadata: { name } } });
      namespaces.push(name);
      return name;
    },
    async apply(object, options = {}) {
      return (await objects.patch(
        object,
        undefined,
        options.dryRun ? 'All' : undefined,
        'beskar7-test',
        true,
        PatchStrategy.ServerSideApply,
      )) as typeof object;
    },
    machines: list('machines'),
    machineSets: list('machinesets'),
    machineDeployments: list('machinedeployments'),
    managerLog: manager => readFileSync(join(dir, `${manager}.log`), 'utf8'),
    async stop() {
      for (const name of namespaces) {
        await core.deleteNamespace({ name }).catch(() => {});
      }
      await kube.stop();
    },
  };
}

/** The same credentials, with `namespace` as the default of namespaced objects. */
function inNamespace(kubeConfig: KubeConfig, namespace: string): KubeConfig {
  const scoped = new KubeConfig();
  scoped.loadFromOptions({
    clusters: kubeConfig.clusters,
    users: kubeConfig.users,
    contexts: kubeConfig.contexts.map(c =>
      c.name === kubeConfig.currentContext ? { ...c, namespace } : c,
    ),
    currentContext: kubeConfig.currentContext,
  });
  return scoped;
}
