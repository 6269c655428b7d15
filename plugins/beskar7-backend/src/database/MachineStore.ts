import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  ClusterHostRef,
  HostState,
  Machine,
  MachinePhase,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from './errors';
import { HOSTS_TABLE } from './hostRows';
import {
  MACHINES_TABLE,
  MachineRow,
  MachineSpec,
  machineSpecToColumns,
  rowToMachine,
} from './machineRows';

/** What it takes to request a machine; it starts `Pending`, without a host. */
export type CreateMachineInput = Pick<Machine, 'name' | 'namespace'> &
  MachineSpec;

export interface MachineListFilter {
  ids?: string[];
  namespace?: string;
  phase?: MachinePhase | MachinePhase[];
  /** Written at or after this time. */
  updatedSince?: Date;
  limit?: number;
  offset?: number;
}

/**
 * Reads and writes beskar7_machines. Claiming and releasing a host are not
 * here: they change a host and a machine together (see claims/).
 */
export class MachineStore {
  constructor(private readonly knex: Knex) {}

  async create(input: CreateMachineInput): Promise<Machine> {
    const now = new Date();
    const id = randomUUID();
    try {
      await this.knex(MACHINES_TABLE).insert({
        id,
        name: input.name,
        namespace: input.namespace,
        ...machineSpecToColumns(input),
        phase: 'Pending',
        created_at: now,
        updated_at: now,
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(
          `Machine ${input.namespace}/${input.name} already exists`,
        );
      }
      throw error;
    }
    return this.require(id);
  }

  /**
   * Inserts the machine unless one of that namespace and name exists, in one
   * statement under the unique key: of any number of concurrent callers,
   * exactly one gets `created`, and every other one the stored machine.
   */
  async createIfAbsent(
    input: CreateMachineInput,
  ): Promise<{ machine: Machine; created: boolean }> {
    const now = new Date();
    const id = randomUUID();
    await this.knex(MACHINES_TABLE)
      .insert({
        id,
        name: input.name,
        namespace: input.namespace,
        ...machineSpecToColumns(input),
        phase: 'Pending',
        created_at: now,
        updated_at: now,
      })
      .onConflict(['namespace', 'name'])
      .ignore();
    const machine = await this.getByName(input.namespace, input.name);
    if (!machine) {
      // Inserted or found a moment ago, deleted since: as if never there.
      throw new NotFoundError(
        `Machine ${input.namespace}/${input.name} was deleted while it was requested`,
      );
    }
    return { machine, created: machine.id === id };
  }

  /** Forgets a Released machine, so that its name may be requested anew. */
  async deleteReleased(id: string): Promise<void> {
    await this.knex(MACHINES_TABLE).where({ id, phase: 'Released' }).delete();
  }

  async get(id: string): Promise<Machine | undefined> {
    const row = await this.knex<MachineRow>(MACHINES_TABLE)
      .where({ id })
      .first();
    return row && rowToMachine(row);
  }

  async getByName(
    namespace: string,
    name: string,
  ): Promise<Machine | undefined> {
    const row = await this.knex<MachineRow>(MACHINES_TABLE)
      .where({ namespace, name })
      .first();
    return row && rowToMachine(row);
  }

  /**
   * The hosts held by the machines named (namespace and name): one query,
   * for the cluster view's Beskar7Machine -> host step.
   */
  async heldHosts(
    refs: Array<{ namespace: string; name: string }>,
  ): Promise<Array<{ namespace: string; name: string; host: ClusterHostRef }>> {
    const wanted = new Set(refs.map(r => `${r.namespace}/${r.name}`));
    const rows: Array<{
      namespace: string;
      name: string;
      host_id: string;
      host_name: string;
      host_namespace: string;
      host_state: HostState;
    }> = await this.knex(`${MACHINES_TABLE} as m`)
      .join(`${HOSTS_TABLE} as h`, 'h.id', 'm.host_id')
      .whereIn('m.namespace', [...new Set(refs.map(r => r.namespace))])
      .whereIn('m.name', [...new Set(refs.map(r => r.name))])
      .select(
        'm.namespace',
        'm.name',
        'm.host_id',
        'h.name as host_name',
        'h.namespace as host_namespace',
        'h.state as host_state',
      );
    return rows
      .filter(r => wanted.has(`${r.namespace}/${r.name}`))
      .map(r => ({
        namespace: r.namespace,
        name: r.name,
        host: {
          id: r.host_id,
          name: r.host_name,
          namespace: r.host_namespace,
          state: r.host_state,
        },
      }));
  }

  async list(filter: MachineListFilter = {}): Promise<Machine[]> {
    const query = this.filtered(filter).orderBy(['namespace', 'name']);
    if (filter.limit !== undefined) query.limit(filter.limit);
    if (filter.offset !== undefined) query.offset(filter.offset);
    return (await query).map(rowToMachine);
  }

  /** How many machines match the filter, ignoring its limit and offset. */
  async count(filter: MachineListFilter = {}): Promise<number> {
    const [{ count }] = await this.filtered(filter).count({ count: '*' });
    return Number(count);
  }

  private filtered(filter: MachineListFilter) {
    const query = this.knex<MachineRow>(MACHINES_TABLE);
    if (filter.ids) query.whereIn('id', filter.ids);
    if (filter.namespace) query.where('namespace', filter.namespace);
    if (filter.updatedSince)
      query.where('updated_at', '>=', filter.updatedSince);
    if (filter.phase) {
      query.whereIn(
        'phase',
        Array.isArray(filter.phase) ? filter.phase : [filter.phase],
      );
    }
    return query;
  }

  /** Changes what the machine asks for; only while it waits for a host. */
  async update(id: string, patch: Partial<MachineSpec>): Promise<Machine> {
    const updated = await this.knex(MACHINES_TABLE)
      .where({ id, phase: 'Pending' })
      .whereNull('host_id')
      .update({ ...machineSpecToColumns(patch), updated_at: new Date() });
    if (updated === 0) throw await this.notPending(id);
    return this.require(id);
  }

  /** Moves the machine from phase `from` to `to`; fails if it is no longer in `from`. */
  async updatePhase(
    id: string,
    change: { from: MachinePhase; to: MachinePhase; failureReason?: string },
  ): Promise<Machine> {
    const updated = await this.knex(MACHINES_TABLE)
      .where({ id, phase: change.from })
      .update({
        phase: change.to,
        failure_reason: change.failureReason ?? null,
        updated_at: new Date(),
      });
    if (updated === 0) {
      const machine = await this.get(id);
      if (!machine) throw new NotFoundError(`Machine ${id} not found`);
      throw new ConflictError(
        `Machine ${id} is ${machine.phase}, expected ${change.from}`,
      );
    }
    return this.require(id);
  }

  /** Deletes a machine that holds no host (release it first). */
  async delete(id: string): Promise<void> {
    const deleted = await this.knex(MACHINES_TABLE)
      .where({ id })
      .whereNull('host_id')
      .delete();
    if (deleted === 0) {
      const machine = await this.get(id);
      if (!machine) throw new NotFoundError(`Machine ${id} not found`);
      throw new ConflictError(
        `Machine ${id} holds host ${machine.hostId}; release it first`,
      );
    }
  }

  private async require(id: string): Promise<Machine> {
    const machine = await this.get(id);
    if (!machine) throw new NotFoundError(`Machine ${id} not found`);
    return machine;
  }

  private async notPending(id: string): Promise<Error> {
    const machine = await this.get(id);
    if (!machine) return new NotFoundError(`Machine ${id} not found`);
    return new ConflictError(
      `Machine ${id} is ${machine.phase}; its requirements can only change while Pending`,
    );
  }
}
