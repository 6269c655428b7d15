import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  Machine,
  MachineRequest,
  Page,
} from '@beskar7/backstage-plugin-beskar7-common';
import { isDeepStrictEqual } from 'node:util';
import { ClaimCoordinator } from '../claims';
import { MachineStore } from '../database/MachineStore';

type ValidMachineRequest = MachineRequest &
  Required<Pick<MachineRequest, 'namespace' | 'requirements' | 'bootMode'>> &
  Pick<Machine, 'bootstrapDataSecret'>;

/** Machine requests: stored `Pending`, then claimed and provisioned by the reconcilers. */
export class MachineService {
  constructor(
    private readonly machines: MachineStore,
    private readonly claims: Pick<ClaimCoordinator, 'release'>,
    /** Called after a write that the machine reconciler should act on soon. */
    private readonly onChange: (machineId: string) => void = () => {},
  ) {}

  /**
   * Stores a request. Asking again for the same name with the same spec
   * returns the existing machine, so that a retried scaffolder step or a
   * replayed API call never requests twice.
   */
  async request(
    request: ValidMachineRequest,
  ): Promise<{ machine: Machine; created: boolean }> {
    const { machine, created } = await this.machines.createIfAbsent(request);
    if (created) {
      this.onChange(machine.id);
    } else if (!sameMachineSpec(machine, request)) {
      throw new ConflictError(
        `Machine ${request.namespace}/${request.name} already exists with a different spec`,
      );
    }
    return { machine, created };
  }

  /** A page of machines; with `ids`, of those machines only (a page of hosts' consumers in one read). */
  async list(
    page: { offset: number; limit: number },
    ids?: string[],
  ): Promise<Page<Machine>> {
    const [items, totalCount] = await Promise.all([
      this.machines.list({ ...page, ids }),
      this.machines.count({ ids }),
    ]);
    return { items, totalCount, ...page };
  }

  async get(id: string): Promise<Machine> {
    const machine = await this.machines.get(id);
    if (!machine) throw new NotFoundError(`Machine ${id} not found`);
    return machine;
  }

  async release(id: string): Promise<Machine> {
    await this.claims.release(id);
    this.onChange(id);
    return this.get(id);
  }
}

/** Whether a stored machine is what `request` asks for. */
export function sameMachineSpec(
  machine: Machine,
  request: ValidMachineRequest,
): boolean {
  return (
    // As stored (JSON): a key set to undefined is a key left out.
    isDeepStrictEqual(
      asJson(machine.requirements),
      asJson(request.requirements),
    ) &&
    machine.imageUrl === request.imageUrl &&
    machine.configUrl === request.configUrl &&
    machine.bootstrapDataSecret === request.bootstrapDataSecret &&
    machine.osFamily === request.osFamily &&
    machine.provisioningMode === request.provisioningMode &&
    machine.bootMode === request.bootMode
  );
}

function asJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
