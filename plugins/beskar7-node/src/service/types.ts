import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  ClusterCreateResult,
  ClusterDetails,
  ClusterList,
  ClusterRequest,
  ClusterScaleRequest,
  ClusterScaleResult,
  Host,
  HostDetails,
  ListHostsQuery,
  Machine,
  MachineRequest,
  Page,
  PoolSummary,
} from '@beskar7/backstage-plugin-beskar7-common';

/**
 * Whom a call is made for. The beskar7 plugin checks its permissions against
 * these credentials, exactly as for a request to its REST API.
 *
 * @public
 */
export interface Beskar7RequestOptions {
  credentials: BackstageCredentials;
}

/** @public */
export interface MachineRequestResult {
  machine: Machine;
  /** False when a machine of that name and spec already existed. */
  created: boolean;
}

/**
 * One difference between two polls of the host list.
 *
 * @public
 */
export type HostChange =
  | { type: 'added'; host: Host }
  | { type: 'changed'; host: Host; previous: Host }
  | { type: 'removed'; host: Host };

/** @public */
export type HostChangeListener = (
  changes: HostChange[],
) => void | Promise<void>;

/** @public */
export interface SubscribeToHostChangesOptions extends Beskar7RequestOptions {
  /** Which hosts to watch; all of them by default. */
  filter?: Omit<
    ListHostsQuery,
    'updatedSince' | 'offset' | 'limit' | 'orderBy' | 'order'
  >;
  /**
   * Time between polls; 10 seconds by default. A poll reads the hosts
   * written since the previous one and the number of hosts.
   */
  intervalMs?: number;
  /**
   * Time after which a poll reads every host again, to be sure of what the
   * polls in between read; 10 minutes by default. A poll also reads every
   * host when hosts were removed or too many changed.
   */
  resyncIntervalMs?: number;
  /** Called when a poll fails; the next poll still runs. Logged by default. */
  onError?(error: Error): void;
}

/**
 * What other backend plugins can do with the bare-metal fleet. Every call
 * goes through the beskar7 plugin's REST API, so that its validation,
 * permissions and audit apply to them as to any other caller.
 *
 * @public
 */
export interface Beskar7Service {
  listHosts(
    query: ListHostsQuery,
    options: Beskar7RequestOptions,
  ): Promise<Page<Host>>;
  getHost(id: string, options: Beskar7RequestOptions): Promise<HostDetails>;
  listPools(options: Beskar7RequestOptions): Promise<PoolSummary[]>;
  /**
   * The Cluster API clusters on Beskar7 hosts (`beskar7.cluster.read`);
   * empty, with `kubernetesEnabled: false`, when the plugin has no
   * Kubernetes API to read.
   */
  listClusters(options: Beskar7RequestOptions): Promise<ClusterList>;
  /** A cluster with its Machines and hosts (`beskar7.cluster.read`). */
  getCluster(
    namespace: string,
    name: string,
    options: Beskar7RequestOptions,
  ): Promise<ClusterDetails>;
  /**
   * Applies a cluster's Cluster API objects (`beskar7.cluster.create`) with
   * the plugin's Kubernetes credentials; applying the same request again
   * changes nothing.
   */
  createCluster(
    request: ClusterRequest,
    options: Beskar7RequestOptions,
  ): Promise<ClusterCreateResult>;
  /** Sets a worker MachineDeployment's replicas (`beskar7.cluster.create`). */
  scaleCluster(
    namespace: string,
    name: string,
    request: ClusterScaleRequest,
    options: Beskar7RequestOptions,
  ): Promise<ClusterScaleResult>;
  /** Deletes a cluster (`beskar7.cluster.delete`); its hosts are released. */
  deleteCluster(
    namespace: string,
    name: string,
    options: Beskar7RequestOptions,
  ): Promise<void>;
  /**
   * Stores a machine request; the plugin claims and provisions a host for it.
   * Asking again with the same name and spec returns the same machine.
   */
  requestMachine(
    request: MachineRequest,
    options: Beskar7RequestOptions,
  ): Promise<MachineRequestResult>;
  getMachine(id: string, options: Beskar7RequestOptions): Promise<Machine>;
  /** Starts the release of a machine's host; idempotent. */
  releaseMachine(id: string, options: Beskar7RequestOptions): Promise<Machine>;
  /**
   * Calls `listener` with the hosts added, changed (by version) or removed
   * since the previous poll. The first poll only records where things stand.
   * Returns a function that stops the subscription.
   *
   * It polls because the plugin has no push channel: hosts are written by
   * reconcilers on every replica, and their versions (bumped by every write)
   * make a poll an exact, cheap comparison. Each poll is authorized afresh
   * with `credentials`, so long-lived subscriptions should use service
   * credentials (a user's token expires).
   */
  subscribeToHostChanges(
    listener: HostChangeListener,
    options: SubscribeToHostChangesOptions,
  ): () => void;
}
