import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { statusCodeOf } from './apiErrors';
import {
  CLUSTER_API_GROUP,
  CLUSTER_API_VERSION,
  ClusterApiCluster,
  ClusterApiMachine,
  SecretState,
} from './clusterApi';

/**
 * Reads the Cluster API objects a Beskar7Machine depends on, at each
 * handling (the resync brings changes in): no informer, so that a backend
 * without Cluster API installed watches nothing of it.
 */
export class ClusterApiReader {
  private readonly custom: CustomObjectsApi;
  private readonly core: CoreV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  /** Whether a Secret exists (and may be read); its content is dropped unread. */
  async secretState(namespace: string, name: string): Promise<SecretState> {
    try {
      await this.core.readNamespacedSecret({ namespace, name });
      return 'found';
    } catch (error) {
      const code = statusCodeOf(error);
      if (code === 404) return 'missing';
      if (code === 403) return 'forbidden';
      throw error;
    }
  }

  machine(
    namespace: string,
    name: string,
  ): Promise<ClusterApiMachine | undefined> {
    return this.get('machines', namespace, name);
  }

  cluster(
    namespace: string,
    name: string,
  ): Promise<ClusterApiCluster | undefined> {
    return this.get('clusters', namespace, name);
  }

  private async get<T>(
    plural: string,
    namespace: string,
    name: string,
  ): Promise<T | undefined> {
    try {
      return (await this.custom.getNamespacedCustomObject({
        group: CLUSTER_API_GROUP,
        version: CLUSTER_API_VERSION,
        plural,
        namespace,
        name,
      })) as T;
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw error;
    }
  }
}
