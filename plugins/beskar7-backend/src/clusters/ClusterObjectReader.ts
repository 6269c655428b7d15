import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { statusCodeOf } from '../kubernetes/apiErrors';
import {
  CAPI_GROUP,
  ClusterObjects,
  CONTROL_PLANE_GROUP,
  INFRASTRUCTURE_GROUP,
} from './capiObjects';

const V1BETA1 = 'v1beta1';

/**
 * Lists the Cluster API objects the portal shows, in one namespace or all.
 * A kind whose CRD is not installed (Cluster API absent, or another control
 * plane provider) reads as empty, so the tab shows no clusters rather than
 * an error.
 */
export class ClusterObjectReader {
  private readonly custom: CustomObjectsApi;

  constructor(kubeConfig: KubeConfig, private readonly namespace?: string) {
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  async read(): Promise<ClusterObjects> {
    const [clusters, controlPlanes, machineDeployments, machines, b7] =
      await Promise.all([
        this.list(CAPI_GROUP, 'clusters'),
        this.list(CONTROL_PLANE_GROUP, 'kubeadmcontrolplanes'),
        this.list(CAPI_GROUP, 'machinedeployments'),
        this.list(CAPI_GROUP, 'machines'),
        this.list(INFRASTRUCTURE_GROUP, 'beskar7machines'),
      ]);
    return {
      clusters,
      // A list's items carry no kind: the list's own names it.
      controlPlanes: controlPlanes.map(cp => ({
        ...cp,
        kind: 'KubeadmControlPlane',
      })),
      machineDeployments,
      machines,
      beskar7Machines: b7,
    };
  }

  private async list(group: string, plural: string): Promise<any[]> {
    const ref = { group, version: V1BETA1, plural };
    try {
      const list = (await (this.namespace
        ? this.custom.listNamespacedCustomObject({
            ...ref,
            namespace: this.namespace,
          })
        : this.custom.listClusterCustomObject(ref))) as { items?: any[] };
      return list.items ?? [];
    } catch (error) {
      if (statusCodeOf(error) === 404) return [];
      throw error;
    }
  }
}
