import {
  AuthService,
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import {
  Beskar7RequestOptions,
  Beskar7Service,
} from '@beskar7/backstage-plugin-beskar7-node';
import { clusterEntity } from './clusterEntities';
import { EntityContext } from './entities';

export interface Beskar7ClusterEntityProviderOptions {
  beskar7: Beskar7Service;
  auth: AuthService;
  logger: LoggerService;
  /** Runs the full refresh on the catalog's schedule. */
  taskRunner: SchedulerServiceTaskRunner;
  /** Returns the default owner and the API URL the entities carry. */
  context: () => Promise<EntityContext>;
}

/** The API's largest page. */
const MAX_PAGE = 500;

/**
 * Publishes the Cluster API clusters on Beskar7 hosts (`GET /clusters`) as
 * `kubernetes-cluster` Resources that depend on their hosts. Every refresh
 * is a full mutation of its own (apart from the hosts' provider), so a
 * deleted cluster leaves the catalog. Without the plugin's Kubernetes side
 * there is no cluster and nothing is published.
 */
export class Beskar7ClusterEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(private readonly options: Beskar7ClusterEntityProviderOptions) {}

  getProviderName(): string {
    return 'beskar7-clusters';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.taskRunner.run({
      id: `${this.getProviderName()}:refresh`,
      fn: () => this.refresh(),
    });
  }

  /** Reads every cluster and its hosts and replaces what this provider published. */
  async refresh(): Promise<void> {
    if (!this.connection) {
      throw new Error('Beskar7ClusterEntityProvider is not connected yet');
    }
    const { beskar7, auth, logger } = this.options;
    const options = { credentials: await auth.getOwnServiceCredentials() };
    const [context, clusters] = await Promise.all([
      this.options.context(),
      beskar7.listClusters(options),
    ]);
    const entities = await Promise.all(
      clusters.items.map(async cluster =>
        clusterEntity(
          cluster,
          await this.hostsOf(`${cluster.namespace}/${cluster.name}`, options),
          context,
        ),
      ),
    );
    await this.connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({
        entity,
        locationKey: this.getProviderName(),
      })),
    });
    logger.info(
      clusters.kubernetesEnabled
        ? `Published ${entities.length} cluster(s)`
        : 'Published no cluster: the beskar7 plugin reads no Kubernetes API (beskar7.kubernetes)',
    );
  }

  private async hostsOf(
    cluster: string,
    options: Beskar7RequestOptions,
  ): Promise<Host[]> {
    const hosts: Host[] = [];
    for (;;) {
      const page = await this.options.beskar7.listHosts(
        { cluster, offset: hosts.length, limit: MAX_PAGE, orderBy: 'name' },
        options,
      );
      hosts.push(...page.items);
      if (page.items.length === 0 || hosts.length >= page.totalCount) {
        return hosts;
      }
    }
  }
}
