import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  HardwareDetails,
  Host,
  HostState,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { bmcKeyColumns } from './bmcAddress';
import { describeIdentity } from '../redfish/systemIdentity';
import { DuplicateHostError, isUniqueViolation } from './errors';
import { HostEventStore } from './HostEventStore';
import {
  HOSTS_TABLE,
  HostRow,
  hostRingColumns,
  HostSpec,
  hostSpecToColumns,
  rowToHost,
} from './hostRows';

/** What it takes to register a host. */
export interface CreateHostInput {
  name: string;
  namespace: string;
  pool: string;
  labels?: Record<string, string>;
  tags?: string[];
  failureDomain?: string;
  hardware?: Partial<HardwareDetails>;
  bmc: {
    address: string;
    credentialsRef: string;
    insecureSkipVerify?: boolean;
    caBundleRef?: string;
    allowPlainHttp?: boolean;
  };
  /** What the system says it is, when the BMC was asked before registering. */
  systemIdentity?: string;
  /** Initial state; `Enrolling` unless the caller knows better (tests, imports). */
  state?: HostState;
}

export interface HostListFilter {
  namespace?: string;
  pool?: string;
  state?: HostState | HostState[];
  /** Written at or after this time. */
  updatedSince?: Date;
  limit?: number;
  offset?: number;
}

/** Reads and writes beskar7_hosts; every write bumps the host's version. */
export class HostStore {
  private readonly events: HostEventStore;

  constructor(private readonly knex: Knex) {
    this.events = new HostEventStore(knex);
  }

  async create(input: CreateHostInput): Promise<Host> {
    const { host, created } = await this.createIfAbsent(input);
    if (!created) {
      throw new ConflictError(
        `Host ${input.namespace}/${input.name} already exists`,
      );
    }
    return host;
  }

  /**
   * Registers the host unless one of that namespace and name exists, in one
   * statement under the unique key: of replicas registering the same host
   * at once, one creates it and the others get it, none fails. Another
   * unique key (a host already holding that BMC) is still a conflict.
   */
  async createIfAbsent(
    input: CreateHostInput,
  ): Promise<{ host: Host; created: boolean }> {
    const key = bmcKeyColumns(input.bmc.address);
    const now = new Date();
    const id = randomUUID();
    const state = input.state ?? 'Enrolling';
    const spec: HostSpec = {
      pool: input.pool,
      labels: input.labels ?? {},
      tags: input.tags ?? [],
      failureDomain: input.failureDomain,
      hardware: { macAddresses: [], ...input.hardware },
      bmc: { insecureSkipVerify: false, allowPlainHttp: false, ...input.bmc },
    };
    try {
      await this.knex.transaction(async trx => {
        await trx(HOSTS_TABLE)
          .insert({
            id,
            name: input.name,
            namespace: input.namespace,
            ...hostRingColumns(trx, input),
            ...hostSpecToColumns(spec),
            system_identity: input.systemIdentity ?? null,
            state,
            version: 0,
            created_at: now,
            updated_at: now,
          })
          .onConflict(['namespace', 'name'])
          .ignore();
        const inserted = await trx(HOSTS_TABLE).where({ id }).first('id');
        if (inserted) {
          await new HostEventStore(trx).record({
            hostId: id,
            toState: state,
            reason: 'Registered',
          });
        }
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw (
          (await this.duplicateOf(key)) ??
          (input.systemIdentity &&
            (await this.sameServer(input.systemIdentity))) ??
          new ConflictError(
            `Host ${input.namespace}/${input.name} conflicts with a registered host`,
          )
        );
      }
      throw error;
    }
    const host = await this.getByName(input.namespace, input.name);
    if (!host) {
      throw new NotFoundError(
        `Host ${input.namespace}/${input.name} was deleted while it was registered`,
      );
    }
    return { host, created: host.id === id };
  }

  /** The host holding a BMC endpoint's system, as the error that names it. */
  async duplicateOf(
    key: { bmc_endpoint: string; system_id: string },
    exceptId?: string,
  ): Promise<DuplicateHostError | undefined> {
    const row = await this.knex<HostRow>(HOSTS_TABLE)
      .select('id', 'namespace', 'name')
      .where(key)
      .modify(q => {
        if (exceptId) q.whereNot({ id: exceptId });
      })
      .first();
    return (
      row &&
      new DuplicateHostError(
        row,
        key.system_id
          ? `System ${key.system_id} of BMC ${key.bmc_endpoint}`
          : `BMC ${key.bmc_endpoint}`,
      )
    );
  }

  /**
   * The host that is the server `identity` names, as the error that names
   * it. A host inspected before identities were recorded has none yet: it
   * is matched by the serial number, manufacturer and model it stored.
   */
  async sameServer(
    identity: string,
    exceptId?: string,
  ): Promise<DuplicateHostError | undefined> {
    const legacy = identity.startsWith('serial:')
      ? identity.slice(7).split('/')
      : undefined;
    const row = await this.knex<HostRow>(HOSTS_TABLE)
      .select('id', 'namespace', 'name')
      .where(q => {
        q.where({ system_identity: identity });
        if (legacy) {
          const [manufacturer, model, serial] = legacy;
          q.orWhere(old =>
            old
              .whereNull('system_identity')
              .whereRaw('lower(serial_number) = ?', [serial])
              .whereRaw("lower(coalesce(manufacturer, '')) = ?", [manufacturer])
              .whereRaw("lower(coalesce(model, '')) = ?", [model]),
          );
        }
      })
      .modify(q => {
        if (exceptId) q.whereNot({ id: exceptId });
      })
      .orderBy('created_at')
      .first();
    return (
      row &&
      new DuplicateHostError(
        row,
        `The server with ${describeIdentity(identity)}`,
      )
    );
  }

  /**
   * Records what the host's system says it is, unless another host is that
   * server (DuplicateHostError naming it; the unique index decides a race).
   */
  async recordIdentity(id: string, identity: string): Promise<void> {
    const duplicate = await this.sameServer(identity, id);
    if (duplicate) throw duplicate;
    try {
      await this.knex(HOSTS_TABLE)
        .where({ id })
        .update({ system_identity: identity });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw (await this.sameServer(identity, id)) ?? error;
    }
  }

  /**
   * Records which system of its BMC a host registered by the bare address
   * is; refused (DuplicateHostError) when another host holds that system.
   */
  async resolveSystem(id: string, systemId: string): Promise<Host> {
    const row = await this.knex<HostRow>(HOSTS_TABLE).where({ id }).first();
    if (!row) throw new NotFoundError(`Host ${id} not found`);
    try {
      await this.knex(HOSTS_TABLE)
        .where({ id, system_id: '' })
        .update({ system_id: systemId });
    } catch (error) {
      const duplicate =
        isUniqueViolation(error) &&
        (await this.duplicateOf(
          { bmc_endpoint: row.bmc_endpoint, system_id: systemId },
          id,
        ));
      throw duplicate || error;
    }
    return this.require(id);
  }

  /** Hosts of one BMC endpoint (every system of it). */
  async listByEndpoint(endpoint: string): Promise<Host[]> {
    const rows = await this.knex<HostRow>(HOSTS_TABLE)
      .where({ bmc_endpoint: endpoint })
      .orderBy('system_id');
    return rows.map(rowToHost);
  }

  async get(id: string): Promise<Host | undefined> {
    const row = await this.knex<HostRow>(HOSTS_TABLE).where({ id }).first();
    return row && rowToHost(row);
  }

  async getByName(namespace: string, name: string): Promise<Host | undefined> {
    const row = await this.knex<HostRow>(HOSTS_TABLE)
      .where({ namespace, name })
      .first();
    return row && rowToHost(row);
  }

  async list(filter: HostListFilter = {}): Promise<Host[]> {
    const query = this.knex<HostRow>(HOSTS_TABLE).orderBy([
      'namespace',
      'name',
    ]);
    if (filter.namespace) query.where('namespace', filter.namespace);
    if (filter.pool) query.where('pool', filter.pool);
    if (filter.updatedSince)
      query.where('updated_at', '>=', filter.updatedSince);
    if (filter.state) {
      query.whereIn(
        'state',
        Array.isArray(filter.state) ? filter.state : [filter.state],
      );
    }
    if (filter.limit !== undefined) query.limit(filter.limit);
    if (filter.offset !== undefined) query.offset(filter.offset);
    return (await query).map(rowToHost);
  }

  /** Changes a host's description if nobody wrote it since `expectedVersion`. */
  async update(
    id: string,
    expectedVersion: number,
    patch: Partial<HostSpec>,
  ): Promise<Host> {
    const columns = hostSpecToColumns(patch);
    if (patch.bmc) {
      const current = await this.knex<HostRow>(HOSTS_TABLE)
        .select('bmc_endpoint', 'system_id')
        .where({ id })
        .first();
      // The same bare BMC address keeps the system its inspection resolved.
      if (
        current &&
        !columns.system_id &&
        columns.bmc_endpoint === current.bmc_endpoint
      ) {
        columns.system_id = current.system_id;
      }
    }
    let updated: number;
    try {
      updated = await this.knex(HOSTS_TABLE)
        .where({ id, version: expectedVersion })
        .update({
          ...columns,
          version: this.knex.raw('version + 1'),
          updated_at: new Date(),
        });
    } catch (error) {
      const duplicate =
        isUniqueViolation(error) &&
        (await this.duplicateOf(
          {
            bmc_endpoint: columns.bmc_endpoint as string,
            system_id: columns.system_id as string,
          },
          id,
        ));
      throw duplicate || error;
    }
    if (updated === 0) {
      throw await versionConflict(this.knex, id, expectedVersion);
    }
    return this.require(id);
  }

  /**
   * Moves a host to `to` if nobody wrote it since `expectedVersion`, and
   * records the change. Which transitions are allowed is the lifecycle's
   * business, not the store's.
   */
  async updateState(
    id: string,
    expectedVersion: number,
    change: { to: HostState; reason: string; errorMessage?: string },
  ): Promise<Host> {
    await this.knex.transaction(async trx => {
      const row = await trx<HostRow>(HOSTS_TABLE)
        .where({ id, version: expectedVersion })
        .first();
      if (!row) throw await versionConflict(trx, id, expectedVersion);
      const updated = await trx(HOSTS_TABLE)
        .where({ id, version: expectedVersion })
        .update({
          state: change.to,
          error_message: change.errorMessage ?? null,
          version: trx.raw('version + 1'),
          updated_at: new Date(),
        });
      if (updated === 0) throw await versionConflict(trx, id, expectedVersion);
      await new HostEventStore(trx).record({
        hostId: id,
        fromState: row.state,
        toState: change.to,
        reason: change.reason,
        message: change.errorMessage,
      });
    });
    return this.require(id);
  }

  /**
   * Takes the host out of the inventory: deleted at once when nobody holds
   * it; otherwise never claimed again, and deleted by the next call after
   * its release. Returns whether it is gone.
   */
  async remove(id: string): Promise<boolean> {
    const deleted = await this.knex(HOSTS_TABLE)
      .where({ id })
      .whereNull('consumer_id')
      .delete();
    if (deleted > 0) return true;
    await this.knex(HOSTS_TABLE)
      .where({ id })
      .whereNull('removal_requested_at')
      .update({ removal_requested_at: new Date() });
    return false;
  }

  /**
   * Deletes hosts whose removal was asked while a machine held them and
   * that nobody holds any more; of one host when named. Returns how many.
   */
  async removeReleased(
    only: { namespace?: string; name?: string } = {},
  ): Promise<number> {
    const query = this.knex(HOSTS_TABLE)
      .whereNotNull('removal_requested_at')
      .whereNull('consumer_id');
    if (only.namespace) query.where({ namespace: only.namespace });
    if (only.name) query.where({ name: only.name });
    return query.delete();
  }

  /** Deletes a host nobody holds. */
  async delete(id: string): Promise<void> {
    const deleted = await this.knex(HOSTS_TABLE)
      .where({ id })
      .whereNull('consumer_id')
      .delete();
    if (deleted === 0) {
      const host = await this.get(id);
      if (!host) throw new NotFoundError(`Host ${id} not found`);
      throw new ConflictError(
        `Host ${id} is held by machine ${host.consumerId}`,
      );
    }
  }

  /** The host's recorded state changes, oldest first. */
  listEvents(hostId: string) {
    return this.events.list(hostId);
  }

  private async require(id: string): Promise<Host> {
    const host = await this.get(id);
    if (!host) throw new NotFoundError(`Host ${id} not found`);
    return host;
  }
}

/** The error for a conditional write that matched nothing: gone, or changed since read. */
async function versionConflict(
  db: Knex,
  id: string,
  expectedVersion: number,
): Promise<Error> {
  const row = await db<HostRow>(HOSTS_TABLE)
    .select('version')
    .where({ id })
    .first();
  if (!row) return new NotFoundError(`Host ${id} not found`);
  return new ConflictError(
    `Host ${id} was changed concurrently (version ${row.version}, expected ${expectedVersion})`,
  );
}
