import { LoggerService } from '@backstage/backend-plugin-api';
import { KubernetesInformerHealth } from '@beskar7/backstage-plugin-beskar7-common';
import { KubeConfig } from '@kubernetes/client-node';
import { isPaused } from './clusterApi';
import { ClusterApiReader } from './ClusterApiReader';
import { CustomObjectWriter } from './CustomObjectWriter';
import {
  hasFinalizer,
  isDeleting,
  withFinalizer,
  withoutFinalizer,
} from './finalizers';
import {
  beskar7ClusterStatusOf,
  clusterOwnerOf,
  ownerClusterNameOf,
  waitingClusterStatus,
} from './infraCluster';
import { StatusSource } from './ports';
import { ResourceInformer } from './ResourceInformer';
import { sameJson } from './sameJson';
import {
  BESKAR7_CLUSTER,
  Beskar7ClusterObject,
  Beskar7ClusterStatus,
} from './types';

export interface Beskar7ClusterReconcilerOptions {
  kubeConfig: KubeConfig;
  status: Pick<StatusSource, 'listHosts'>;
  clusterApi: ClusterApiReader;
  logger: LoggerService;
  namespace?: string;
  /** Whether hosts of every namespace count (cross-namespace claims). */
  crossNamespace: boolean;
  resyncIntervalMs?: number;
  backoff?: { initialMs?: number; maxMs?: number };
  /** How many Beskar7Machines of the cluster are left (the watch's cache). */
  machinesOf(namespace: string, clusterName: string): number;
  /** Runs a write, remembering for health whether writes fail. */
  writing<T>(write: () => Promise<T>): Promise<T>;
  isActive(): boolean;
}

/**
 * Beskar7Cluster, the InfraCluster of a Cluster API Cluster: ready once its
 * owner Cluster exists (the endpoint is given, not created), with the
 * failure domains the inventory's hosts make up; its finalizer goes once no
 * Beskar7Machine of the cluster is left. Nothing is touched while paused.
 */
export class Beskar7ClusterReconciler {
  private readonly informer: ResourceInformer<Beskar7ClusterObject>;
  private readonly writer: CustomObjectWriter<Beskar7ClusterObject>;

  constructor(private readonly options: Beskar7ClusterReconcilerOptions) {
    const { kubeConfig, logger, namespace, resyncIntervalMs, backoff } =
      options;
    this.informer = new ResourceInformer({
      kubeConfig,
      logger,
      namespace,
      resyncIntervalMs,
      backoff,
      resource: BESKAR7_CLUSTER,
      // Nothing to undo when one is gone: the finalizer waited for its machines.
      handlers: { upsert: obj => this.reconcile(obj), remove: async () => {} },
    });
    this.writer = new CustomObjectWriter(kubeConfig, BESKAR7_CLUSTER);
  }

  start(): void {
    this.informer.start();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  whenSynced(): Promise<void> {
    return this.informer.whenSynced();
  }

  resync(): void {
    this.informer.resync();
  }

  health(): KubernetesInformerHealth {
    return this.informer.health();
  }

  /** The cached Beskar7Cluster. */
  get(namespace: string, name: string): Beskar7ClusterObject | undefined {
    return this.informer.get(namespace, name);
  }

  /** Looks at the Beskar7Clusters again (of one namespace, or all): hosts or machines changed. */
  requeue(namespace?: string): void {
    for (const obj of this.informer.list()) {
      const { metadata } = obj;
      if (!namespace || metadata.namespace === namespace) {
        this.informer.requeue(metadata.namespace, metadata.name);
      }
    }
  }

  private async reconcile(obj: Beskar7ClusterObject): Promise<void> {
    if (!this.options.isActive()) return;
    const { namespace, name } = obj.metadata;
    const clusterName = ownerClusterNameOf(obj.metadata);
    const cluster = clusterName
      ? await this.options.clusterApi.cluster(namespace, clusterName)
      : undefined;
    if (isPaused(obj.metadata, cluster)) return;
    if (isDeleting(obj)) {
      await this.finalize(obj, clusterName);
      return;
    }
    if (!clusterOwnerOf(obj.metadata)) {
      await this.writeStatus(obj, fresh =>
        waitingClusterStatus(fresh, {
          reason: 'WaitingForClusterOwnerRef',
          message: 'waiting for Cluster API to set the owner Cluster',
        }),
      );
      return;
    }
    if (!hasFinalizer(obj)) {
      await this.options.writing(() =>
        this.writer.update(namespace, name, withFinalizer),
      );
    }
    const hosts = await this.options.status.listHosts(
      this.options.crossNamespace ? undefined : namespace,
    );
    await this.writeStatus(obj, fresh =>
      beskar7ClusterStatusOf(obj.spec, hosts, fresh),
    );
  }

  /** Deleted: the finalizer goes once no Beskar7Machine of the cluster is left. */
  private async finalize(
    obj: Beskar7ClusterObject,
    clusterName: string | undefined,
  ): Promise<void> {
    const { namespace, name } = obj.metadata;
    if (!hasFinalizer(obj)) return;
    const left = clusterName
      ? this.options.machinesOf(namespace, clusterName)
      : 0;
    if (left > 0) {
      await this.writeStatus(obj, fresh =>
        waitingClusterStatus(fresh, {
          reason: 'Deleting',
          message: `waiting for ${left} Beskar7Machine(s) of cluster ${clusterName} to release their hosts`,
        }),
      );
      return;
    }
    await this.options.writing(() =>
      this.writer.update(namespace, name, withoutFinalizer),
    );
  }

  /** Writes the status `next` makes of the current one, when it differs (the cache first). */
  private async writeStatus(
    obj: Beskar7ClusterObject,
    next: (current: Beskar7ClusterStatus) => Beskar7ClusterStatus,
  ): Promise<void> {
    const changed = (current: Beskar7ClusterStatus = {}) => {
      const status = next(current);
      return sameJson(current, status) ? undefined : status;
    };
    if (!changed(obj.status)) return;
    const { namespace, name } = obj.metadata;
    await this.options.writing(() =>
      this.writer.updateStatus(namespace, name, fresh => changed(fresh.status)),
    );
  }
}
