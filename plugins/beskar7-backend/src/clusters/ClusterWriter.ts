import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  ClusterCreateResult,
  clusterManifests,
  ClusterRequest,
  ClusterScaleRequest,
  ClusterScaleResult,
} from '@beskar7/backstage-plugin-beskar7-common';
import {
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { describeError, statusCodeOf } from '../kubernetes/apiErrors';
import {
  CAPI_GROUP,
  CapiMachineDeployment,
  CLUSTER_NAME_LABEL,
} from './capiObjects';

/** Who owns the fields the portal applies (server-side apply). */
export const FIELD_MANAGER = 'beskar7-backstage';

/**
 * Creates, scales and deletes Cluster API clusters with the backend's own
 * Kubernetes credentials; the caller's permission is checked by the route.
 * Creation is a server-side apply of the same objects each time, so a
 * retried request changes nothing, and Cluster API's webhooks default and
 * validate them as they would `kubectl apply --server-side`.
 */
export class ClusterWriter {
  private readonly objects: KubernetesObjectApi;
  private readonly custom: CustomObjectsApi;

  constructor(kubeConfig: KubeConfig, private readonly namespace?: string) {
    this.objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  async create(request: ClusterRequest): Promise<ClusterCreateResult> {
    this.checkNamespace(request.namespace);
    const existed = await this.exists(
      'clusters',
      request.namespace,
      request.name,
    );
    const manifests = clusterManifests(request);
    for (const manifest of manifests) {
      await kubernetesCall(
        `apply ${manifest.kind} ${manifest.metadata.name}`,
        () =>
          this.objects.patch(
            manifest,
            undefined,
            undefined,
            FIELD_MANAGER,
            false,
            PatchStrategy.ServerSideApply,
          ),
      );
    }
    return {
      namespace: request.namespace,
      name: request.name,
      created: !existed,
      objects: manifests.map(m => ({ kind: m.kind, name: m.metadata.name })),
    };
  }

  /** Sets a MachineDeployment's replicas, as `kubectl scale` does. */
  async scale(
    namespace: string,
    cluster: string,
    request: ClusterScaleRequest,
  ): Promise<ClusterScaleResult> {
    this.checkNamespace(namespace);
    const deployments = (await kubernetesCall('list MachineDeployments', () =>
      this.custom.listNamespacedCustomObject({
        group: CAPI_GROUP,
        version: 'v1beta1',
        plural: 'machinedeployments',
        namespace,
        labelSelector: `${CLUSTER_NAME_LABEL}=${cluster}`,
      }),
    )) as { items: CapiMachineDeployment[] };
    const names = deployments.items.map(d => d.metadata.name);
    const target = request.machineDeployment
      ? deployments.items.find(
          d => d.metadata.name === request.machineDeployment,
        )
      : onlyOne(deployments.items);
    if (!target) {
      throw request.machineDeployment || names.length === 0
        ? new NotFoundError(
            `Cluster ${namespace}/${cluster} has no MachineDeployment ${
              request.machineDeployment ?? ''
            }`.trim(),
          )
        : new InputError(
            `machineDeployment: required, cluster ${namespace}/${cluster} has ${names.join(
              ', ',
            )}`,
          );
    }
    const previous = target.spec?.replicas ?? 0;
    await kubernetesCall(
      `scale MachineDeployment ${target.metadata.name}`,
      () =>
        this.custom.patchNamespacedCustomObject({
          group: CAPI_GROUP,
          version: 'v1beta1',
          plural: 'machinedeployments',
          namespace,
          name: target.metadata.name,
          fieldManager: FIELD_MANAGER,
          body: [
            { op: 'replace', path: '/spec/replicas', value: request.replicas },
          ],
        }),
    );
    return {
      machineDeployment: target.metadata.name,
      previousReplicas: previous,
      replicas: request.replicas,
    };
  }

  /** Deletes the Cluster; Cluster API deletes its machines (whose hosts Beskar7 releases), then the rest. */
  async delete(namespace: string, name: string): Promise<void> {
    this.checkNamespace(namespace);
    await kubernetesCall(`delete Cluster ${name}`, () =>
      this.custom.deleteNamespacedCustomObject({
        group: CAPI_GROUP,
        version: 'v1beta1',
        plural: 'clusters',
        namespace,
        name,
      }),
    );
  }

  /** With `beskar7.kubernetes.namespace`, the backend's credentials may reach only that one. */
  private checkNamespace(namespace: string) {
    if (this.namespace && namespace !== this.namespace) {
      throw new InputError(
        `namespace: must be ${this.namespace}, the only namespace this backend manages (beskar7.kubernetes.namespace)`,
      );
    }
  }

  private async exists(plural: string, namespace: string, name: string) {
    try {
      await this.custom.getNamespacedCustomObject({
        group: CAPI_GROUP,
        version: 'v1beta1',
        plural,
        namespace,
        name,
      });
      return true;
    } catch (error) {
      if (statusCodeOf(error) === 404) return false;
      throw unavailable('read the Cluster', error);
    }
  }
}

function onlyOne<T>(items: T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}

/**
 * What the API server refused, said as the portal's errors: its webhooks'
 * and schemas' messages name the bad field (400), a conflicting owner of a
 * field is a 409; anything else leaves the outcome unknown (503).
 */
async function kubernetesCall<T>(doing: string, call: () => Promise<T>) {
  try {
    return await call();
  } catch (error) {
    const code = statusCodeOf(error);
    const message = `Could not ${doing}: ${
      statusMessage(error) ?? describeError(error)
    }`;
    if (code === 400 || code === 422) throw new InputError(message);
    if (code === 409) throw new ConflictError(message);
    if (code === 404) throw new NotFoundError(message);
    throw unavailable(doing, error);
  }
}

function unavailable(doing: string, error: unknown) {
  return new ServiceUnavailableError(
    `Could not ${doing} in the Kubernetes API: ${describeError(error)}`,
  );
}

/** The `message` of the Status the API server answered with. */
function statusMessage(error: unknown): string | undefined {
  const body = (error as { body?: unknown })?.body;
  try {
    const status = typeof body === 'string' ? JSON.parse(body) : body;
    return typeof status?.message === 'string' ? status.message : undefined;
  } catch {
    return undefined;
  }
}
