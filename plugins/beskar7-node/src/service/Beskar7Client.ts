import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ClusterCreateResult,
  ClusterDetails,
  ClusterList,
  ClusterRequest,
  ClusterScaleRequest,
  ClusterScaleResult,
  Host,
  HostDetails,
  hostQueryString,
  ListHostsQuery,
  Machine,
  MachineRequest,
  Page,
  PoolSummary,
} from '@beskar7/backstage-plugin-beskar7-common';
import { HostChangePoller } from './HostChangePoller';
import {
  Beskar7RequestOptions,
  Beskar7Service,
  HostChangeListener,
  MachineRequestResult,
  SubscribeToHostChangesOptions,
} from './types';

/** The API's largest page. */
const MAX_PAGE = 500;

/**
 * The HTTP client behind `beskar7ServiceRef`: calls the beskar7 plugin's
 * REST API with a plugin request token issued on behalf of the caller.
 *
 * @public
 */
export class Beskar7Client implements Beskar7Service {
  private readonly discovery: DiscoveryService;
  private readonly auth: AuthService;
  private readonly logger: LoggerService;
  private readonly subscriptions = new Set<HostChangePoller>();

  constructor(options: {
    discovery: DiscoveryService;
    auth: AuthService;
    logger: LoggerService;
  }) {
    this.discovery = options.discovery;
    this.auth = options.auth;
    this.logger = options.logger;
  }

  listHosts(
    query: ListHostsQuery,
    options: Beskar7RequestOptions,
  ): Promise<Page<Host>> {
    return this.call('GET', `/hosts?${hostQueryString(query)}`, options);
  }

  getHost(id: string, options: Beskar7RequestOptions): Promise<HostDetails> {
    return this.call('GET', `/hosts/${encodeURIComponent(id)}`, options);
  }

  async listPools(options: Beskar7RequestOptions): Promise<PoolSummary[]> {
    const { items } = await this.call<{ items: PoolSummary[] }>(
      'GET',
      '/pools',
      options,
    );
    return items;
  }

  listClusters(options: Beskar7RequestOptions): Promise<ClusterList> {
    return this.call('GET', '/clusters', options);
  }

  getCluster(
    namespace: string,
    name: string,
    options: Beskar7RequestOptions,
  ): Promise<ClusterDetails> {
    return this.call('GET', clusterPath(namespace, name), options);
  }

  createCluster(
    request: ClusterRequest,
    options: Beskar7RequestOptions,
  ): Promise<ClusterCreateResult> {
    return this.call('POST', '/clusters', options, request);
  }

  scaleCluster(
    namespace: string,
    name: string,
    request: ClusterScaleRequest,
    options: Beskar7RequestOptions,
  ): Promise<ClusterScaleResult> {
    return this.call(
      'POST',
      `${clusterPath(namespace, name)}/scale`,
      options,
      request,
    );
  }

  async deleteCluster(
    namespace: string,
    name: string,
    options: Beskar7RequestOptions,
  ): Promise<void> {
    await this.send('DELETE', clusterPath(namespace, name), options);
  }

  async requestMachine(
    request: MachineRequest,
    options: Beskar7RequestOptions,
  ): Promise<MachineRequestResult> {
    const response = await this.send('POST', '/machines', options, request);
    return { machine: await response.json(), created: response.status === 201 };
  }

  getMachine(id: string, options: Beskar7RequestOptions): Promise<Machine> {
    return this.call('GET', `/machines/${encodeURIComponent(id)}`, options);
  }

  releaseMachine(id: string, options: Beskar7RequestOptions): Promise<Machine> {
    return this.call(
      'POST',
      `/machines/${encodeURIComponent(id)}/release`,
      options,
    );
  }

  subscribeToHostChanges(
    listener: HostChangeListener,
    options: SubscribeToHostChangesOptions,
  ): () => void {
    const { filter = {}, credentials } = options;
    const poller = new HostChangePoller({
      listHosts: () => this.listAllHosts(filter, { credentials }),
      listener,
      intervalMs: options.intervalMs ?? 10_000,
      onError:
        options.onError ??
        (error => this.logger.warn(`Polling beskar7 hosts failed: ${error}`)),
    });
    this.subscriptions.add(poller);
    poller.start();
    return () => {
      poller.stop();
      this.subscriptions.delete(poller);
    };
  }

  /** Stops every subscription; called when the owning plugin shuts down. */
  stopSubscriptions(): void {
    for (const poller of this.subscriptions) poller.stop();
    this.subscriptions.clear();
  }

  private async listAllHosts(
    filter: ListHostsQuery,
    options: Beskar7RequestOptions,
  ): Promise<Host[]> {
    const hosts: Host[] = [];
    for (;;) {
      const page = await this.listHosts(
        { ...filter, offset: hosts.length, limit: MAX_PAGE, orderBy: 'name' },
        options,
      );
      hosts.push(...page.items);
      if (page.items.length === 0 || hosts.length >= page.totalCount) {
        return hosts;
      }
    }
  }

  private async call<T>(
    method: string,
    path: string,
    options: Beskar7RequestOptions,
    body?: unknown,
  ): Promise<T> {
    const response = await this.send(method, path, options, body);
    return (await response.json()) as T;
  }

  private async send(
    method: string,
    path: string,
    { credentials }: Beskar7RequestOptions,
    body?: unknown,
  ): Promise<Response> {
    const [baseUrl, { token }] = await Promise.all([
      this.discovery.getBaseUrl('beskar7'),
      this.auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId: 'beskar7',
      }),
    ]);
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}

function clusterPath(namespace: string, name: string): string {
  return `/clusters/${encodeURIComponent(namespace)}/${encodeURIComponent(
    name,
  )}`;
}
