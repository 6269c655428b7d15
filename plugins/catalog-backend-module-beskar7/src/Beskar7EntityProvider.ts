import {
  AuthService,
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { Entity } from '@backstage/catalog-model';
import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import {
  Beskar7Service,
  HostChange,
} from '@beskar7/backstage-plugin-beskar7-node';
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
 * Publishes beskar7 pools and hosts as `Resource` entities. The scheduled
 * refresh is a full mutation, so a host that is gone from the API leaves
 * the catalog whatever was missed. Between refreshes, the hosts that
 * change are published as a delta: at 100,000 hosts, republishing the
 * whole fleet for every change kept the catalog processing 100,000
 * entities.
 *
 * @public
 */
export class Beskar7EntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  /** Mutations run one after another, so they apply in order. */
  private last: Promise<void> = Promise.resolve();
  /** The pools of the last mutation, to remove a pool that is gone. */
  private publishedPools = new Set<string>();

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
        logger.debug(`${changes.length} host change(s), publishing them`);
        return this.publishChanges(changes).catch(error =>
          logger.warn(`Publishing beskar7 host changes failed: ${error}`),
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
    return this.inTurn(() => this.applyFullMutation());
  }

  /**
   * Publishes the hosts added, changed or removed, and the pools as they
   * are now (a few; one may have come or gone with its hosts).
   */
  private publishChanges(changes: HostChange[]): Promise<void> {
    return this.inTurn(() => this.applyDelta(changes));
  }

  private inTurn(mutate: () => Promise<void>): Promise<void> {
    const next = this.last.then(mutate);
    this.last = next.catch(() => {});
    return next;
  }

  private async applyFullMutation(): Promise<void> {
    const connection = this.connected();
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
    await connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => this.deferred(entity)),
    });
    this.publishedPools = new Set(pools.map(p => p.pool));
    this.options.logger.info(
      `Published ${pools.length} pool(s) and ${hosts.length} host(s)`,
    );
  }

  private async applyDelta(changes: HostChange[]): Promise<void> {
    const connection = this.connected();
    const { beskar7, auth } = this.options;
    const options = { credentials: await auth.getOwnServiceCredentials() };
    const [context, pools] = await Promise.all([
      this.options.context(),
      beskar7.listPools(options),
    ]);
    const current = new Set(pools.map(p => p.pool));
    const gonePools = [...this.publishedPools]
      .filter(pool => !current.has(pool))
      .map(pool => poolEntity({ pool }, context));
    const removedHosts = changes
      .filter(c => c.type === 'removed')
      .map(c => hostEntity(c.host, context));
    const upserted = changes
      .filter(c => c.type !== 'removed')
      .map(c => hostEntity(c.host, context));
    await connection.applyMutation({
      type: 'delta',
      added: [...pools.map(pool => poolEntity(pool, context)), ...upserted].map(
        entity => this.deferred(entity),
      ),
      removed: [...gonePools, ...removedHosts].map(entity =>
        this.deferred(entity),
      ),
    });
    this.publishedPools = current;
  }

  private connected(): EntityProviderConnection {
    if (!this.connection) {
      throw new Error('Beskar7EntityProvider is not connected yet');
    }
    return this.connection;
  }

  private deferred(entity: Entity) {
    return { entity, locationKey: this.getProviderName() };
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
