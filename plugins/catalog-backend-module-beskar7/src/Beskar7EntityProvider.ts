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
import { Beskar7Service } from '@beskar7/backstage-plugin-beskar7-node';
import { EntityContext, hostEntity, poolEntity } from './entities';

export interface Beskar7EntityProviderOptions {
  beskar7: Beskar7Service;
  auth: AuthService;
  logger: LoggerService;
  /** Runs the full refresh on the catalog's schedule. */
  taskRunner: SchedulerServiceTaskRunner;
  /** How often to look for host changes between scheduled refreshes. */
  watchIntervalMs: number;
  /** Returns the owner and API URL the entities carry. */
  context: () => Promise<EntityContext>;
}

/**
 * Publishes beskar7 pools and hosts as `Resource` entities. Every refresh is
 * a full mutation, so a host that is gone from the API leaves the catalog.
 * Refreshes run on a schedule and whenever a host changes.
 *
 * @public
 */
export class Beskar7EntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  /** Refreshes run one after another, so mutations apply in order. */
  private last: Promise<void> = Promise.resolve();

  constructor(private readonly options: Beskar7EntityProviderOptions) {}

  getProviderName(): string {
    return 'beskar7';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    const { taskRunner, beskar7, auth, logger } = this.options;
    await taskRunner.run({
      id: `${this.getProviderName()}:refresh`,
      fn: () => this.refresh(),
    });
    beskar7.subscribeToHostChanges(
      changes => {
        logger.debug(`${changes.length} host change(s), refreshing`);
        return this.refresh().catch(error =>
          logger.warn(`Refreshing beskar7 entities failed: ${error}`),
        );
      },
      {
        credentials: await auth.getOwnServiceCredentials(),
        intervalMs: this.options.watchIntervalMs,
      },
    );
  }

  /** Reads every pool and host and replaces what this provider published. */
  refresh(): Promise<void> {
    const next = this.last.then(() => this.applyFullMutation());
    this.last = next.catch(() => {});
    return next;
  }

  private async applyFullMutation(): Promise<void> {
    if (!this.connection) {
      throw new Error('Beskar7EntityProvider is not connected yet');
    }
    const { beskar7, auth } = this.options;
    const options = { credentials: await auth.getOwnServiceCredentials() };
    const [context, pools, hosts] = await Promise.all([
      this.options.context(),
      beskar7.listPools(options),
      this.allHosts(options),
    ]);
    const entities = [
      ...pools.map(pool => poolEntity(pool, context)),
      ...hosts.map(host => hostEntity(host, context)),
    ];
    await this.connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({
        entity,
        locationKey: this.getProviderName(),
      })),
    });
    this.options.logger.info(
      `Published ${pools.length} pool(s) and ${hosts.length} host(s)`,
    );
  }

  private async allHosts(
    options: Parameters<Beskar7Service['listHosts']>[1],
  ): Promise<Host[]> {
    const hosts: Host[] = [];
    for (;;) {
      const page = await this.options.beskar7.listHosts(
        { offset: hosts.length, limit: 500, orderBy: 'name' },
        options,
      );
      hosts.push(...page.items);
      if (page.items.length === 0 || hosts.length >= page.totalCount) {
        return hosts;
      }
    }
  }
}
