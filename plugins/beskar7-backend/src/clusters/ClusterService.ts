import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import {
  ClusterDetails,
  ClusterHostRef,
  ClusterSummary,
  HostCluster,
} from '@beskar7/backstage-plugin-beskar7-common';
import { describeError } from '../kubernetes/apiErrors';
import { ClusterObjects } from './capiObjects';
import {
  describeCluster,
  hostClusters,
  isBeskar7Cluster,
  summariseCluster,
} from './clusterViews';

/** How long one read of the API server answers requests. */
export const CLUSTER_CACHE_MS = 5_000;

/** The hosts that Beskar7Machines hold, from the inventory. */
export interface HeldHosts {
  heldHosts(
    refs: Array<{ namespace: string; name: string }>,
  ): Promise<Array<{ namespace: string; name: string; host: ClusterHostRef }>>;
}

export interface ClusterServiceOptions {
  objects: { read(): Promise<ClusterObjects> };
  hosts: HeldHosts;
  cacheMs?: number;
  now?: () => number;
}

interface Snapshot {
  objects: ClusterObjects;
  hosts: Map<string, ClusterHostRef>;
}

/**
 * Cluster API clusters on Beskar7 hosts, read from the Kubernetes API. One
 * read (five lists and one inventory query) answers every request for a few
 * seconds, so that a portal full of open tabs costs the API server little.
 */
export class ClusterService {
  private readonly cacheMs: number;
  private readonly now: () => number;
  private cached?: { at: number; snapshot: Promise<Snapshot> };

  constructor(private readonly options: ClusterServiceOptions) {
    this.cacheMs = options.cacheMs ?? CLUSTER_CACHE_MS;
    this.now = options.now ?? Date.now;
  }

  async list(): Promise<ClusterSummary[]> {
    const { objects } = await this.snapshot();
    return objects.clusters
      .filter(isBeskar7Cluster)
      .map(c => summariseCluster(c, objects))
      .sort(
        (a, b) =>
          a.namespace.localeCompare(b.namespace) ||
          a.name.localeCompare(b.name),
      );
  }

  async get(namespace: string, name: string): Promise<ClusterDetails> {
    const { objects, hosts } = await this.snapshot();
    const cluster = objects.clusters.find(
      c =>
        c.metadata.namespace === namespace &&
        c.metadata.name === name &&
        isBeskar7Cluster(c),
    );
    if (!cluster) {
      throw new NotFoundError(
        `No Cluster API cluster ${namespace}/${name} on Beskar7 infrastructure`,
      );
    }
    return describeCluster(cluster, objects, (ns, n) => hosts.get(key(ns, n)));
  }

  /** Host id -> the cluster and role it serves. */
  async hostClusters(): Promise<Map<string, HostCluster>> {
    const { objects, hosts } = await this.snapshot();
    return hostClusters(objects, (ns, n) => hosts.get(key(ns, n)));
  }

  /** Ids of the hosts a cluster (`namespace/name`) holds; none for an unknown cluster. */
  async hostIdsOf(cluster: string): Promise<string[]> {
    return [...(await this.hostClusters())]
      .filter(([, c]) => `${c.namespace}/${c.name}` === cluster)
      .map(([id]) => id);
  }

  private snapshot(): Promise<Snapshot> {
    const now = this.now();
    if (!this.cached || now - this.cached.at >= this.cacheMs) {
      const snapshot = this.load();
      this.cached = { at: now, snapshot };
      // A failed read is not kept: the next request tries again.
      snapshot.catch(() => {
        if (this.cached?.snapshot === snapshot) this.cached = undefined;
      });
    }
    return this.cached.snapshot;
  }

  private async load(): Promise<Snapshot> {
    let objects: ClusterObjects;
    try {
      objects = await this.options.objects.read();
    } catch (error) {
      throw new ServiceUnavailableError(
        `Reading Cluster API objects from the Kubernetes API failed: ${describeError(
          error,
        )}`,
      );
    }
    const refs = objects.machines.flatMap(m =>
      m.spec?.infrastructureRef?.kind === 'Beskar7Machine'
        ? [
            {
              namespace: m.metadata.namespace,
              name: m.spec.infrastructureRef.name,
            },
          ]
        : [],
    );
    const held = refs.length ? await this.options.hosts.heldHosts(refs) : [];
    return {
      objects,
      hosts: new Map(held.map(h => [key(h.namespace, h.name), h.host])),
    };
  }
}

function key(namespace: string, name: string) {
  return `${namespace}/${name}`;
}
