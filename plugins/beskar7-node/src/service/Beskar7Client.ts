import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  Beskar7ApiClient,
  Beskar7ApiRequestOptions,
  ClusterRequest,
  ClusterScaleRequest,
  Host,
  ListHostsQuery,
  listHostsRequest,
  MachineRequest,
} from '@beskar7/backstage-plugin-beskar7-common';
import { HostChangePoller, HostFeed } from './HostChangePoller';
import {
  Beskar7RequestOptions,
  Beskar7Service,
  HostChangeListener,
  MachineRequestResult,
  SubscribeToHostChangesOptions,
} from './types';

/** The API's largest page. */
const MAX_PAGE = 500;
/** Pages of changes a poll reads before it reads every host instead. */
const MAX_FEED_PAGES = 20;

/**
 * The HTTP client behind `beskar7ServiceRef`: calls the beskar7 plugin's
 * REST API, through the client generated from its OpenAPI document, with a
 * plugin request token issued on behalf of the caller.
 *
 * @public
 */
export class Beskar7Client implements Beskar7Service {
  private readonly api: Beskar7ApiClient;
  private readonly auth: AuthService;
  private readonly logger: LoggerService;
  private readonly subscriptions = new Set<HostChangePoller>();

  constructor(options: {
    discovery: DiscoveryService;
    auth: AuthService;
    logger: LoggerService;
  }) {
    this.api = new Beskar7ApiClient({ discoveryApi: options.discovery });
    this.auth = options.auth;
    this.logger = options.logger;
  }

  async listHosts(query: ListHostsQuery, options: Beskar7RequestOptions) {
    return this.api.listHosts(
      listHostsRequest(query),
      await this.token(options),
    );
  }

  async getHost(id: string, options: Beskar7RequestOptions) {
    return this.api.getHost({ path: { id } }, await this.token(options));
  }

  async listPools(options: Beskar7RequestOptions) {
    return (await this.api.listPools(await this.token(options))).items;
  }

  async listClusters(options: Beskar7RequestOptions) {
    return this.api.listClusters(await this.token(options));
  }

  async getCluster(
    namespace: string,
    name: string,
    options: Beskar7RequestOptions,
  ) {
    return this.api.getCluster(
      { path: { namespace, name } },
      await this.token(options),
    );
  }

  async createCluster(request: ClusterRequest, options: Beskar7RequestOptions) {
    const { body } = await this.api.createCluster(
      { body: request },
      await this.token(options),
    );
    return body;
  }

  async scaleCluster(
    namespace: string,
    name: string,
    request: ClusterScaleRequest,
    options: Beskar7RequestOptions,
  ) {
    return this.api.scaleCluster(
      { path: { namespace, name }, body: request },
      await this.token(options),
    );
  }

  async deleteCluster(
    namespace: string,
    name: string,
    options: Beskar7RequestOptions,
  ) {
    await this.api.deleteCluster(
      { path: { namespace, name } },
      await this.token(options),
    );
  }

  async requestMachine(
    request: MachineRequest,
    options: Beskar7RequestOptions,
  ): Promise<MachineRequestResult> {
    const { status, body } = await this.api.requestMachine(
      { body: request },
      await this.token(options),
    );
    return { machine: body, created: status === 201 };
  }

  async getMachine(id: string, options: Beskar7RequestOptions) {
    return this.api.getMachine({ path: { id } }, await this.token(options));
  }

  async releaseMachine(id: string, options: Beskar7RequestOptions) {
    return this.api.releaseMachine({ path: { id } }, await this.token(options));
  }

  subscribeToHostChanges(
    listener: HostChangeListener,
    options: SubscribeToHostChangesOptions,
  ): () => void {
    const { filter = {}, credentials } = options;
    const poller = new HostChangePoller({
      feed: this.hostFeed(filter, { credentials }),
      listener,
      intervalMs: options.intervalMs ?? 10_000,
      resyncIntervalMs: options.resyncIntervalMs ?? 600_000,
      overlapMs: 60_000,
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

  private hostFeed(
    filter: ListHostsQuery,
    options: Beskar7RequestOptions,
  ): HostFeed {
    return {
      readAll: async () => {
        const hosts: Host[] = [];
        for (;;) {
          const page = await this.listHosts(
            {
              ...filter,
              offset: hosts.length,
              limit: MAX_PAGE,
              orderBy: 'name',
            },
            options,
          );
          hosts.push(...page.items);
          if (page.items.length === 0 || hosts.length >= page.totalCount) {
            return hosts;
          }
        }
      },
      // Paged by the bound, not by offset: a host written while the feed is
      // read moves to its end, and an offset would then skip another.
      readUpdatedSince: async since => {
        const hosts = new Map<string, Host>();
        let from = new Date(since).toISOString();
        for (let page = 0; page < MAX_FEED_PAGES; page++) {
          const { items, totalCount } = await this.listHosts(
            {
              ...filter,
              updatedSince: from,
              limit: MAX_PAGE,
              orderBy: 'updatedAt',
              order: 'asc',
            },
            options,
          );
          for (const host of items) hosts.set(host.id, host);
          if (items.length >= totalCount) return [...hosts.values()];
          const last = items[items.length - 1].updatedAt;
          // A page written in one instant cannot move the bound on.
          if (last === items[0].updatedAt) return undefined;
          from = last;
        }
        return undefined;
      },
      count: async () =>
        (await this.listHosts({ ...filter, limit: 1 }, options)).totalCount,
    };
  }

  /** A plugin request token on behalf of the caller. */
  private async token({
    credentials,
  }: Beskar7RequestOptions): Promise<Beskar7ApiRequestOptions> {
    return this.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'beskar7',
    });
  }
}
