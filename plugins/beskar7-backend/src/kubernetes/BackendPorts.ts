import { ConflictError, isError } from '@backstage/errors';
import { Host, Machine } from '@beskar7/backstage-plugin-beskar7-common';
import {
  checkKubernetesMachineRequest,
  checkRegisterHost,
} from '../api/validation';
import { HostStore } from '../database/HostStore';
import { MachineStore } from '../database/MachineStore';
import { InventoryService } from '../inventory/InventoryService';
import { MachineService, sameMachineSpec } from '../machines/MachineService';
import {
  HostRegistration,
  InventorySink,
  MachineRegistration,
  MachineSink,
  StatusSource,
} from './ports';
import { sameJson } from './sameJson';

export interface BackendPortsOptions {
  hosts: HostStore;
  machines: MachineStore;
  inventory: Pick<InventoryService, 'registerHost'>;
  machineService: Pick<MachineService, 'request' | 'release'>;
}

/**
 * The ports of the Kubernetes side, served by the backend's own services,
 * so that a PhysicalHost goes through the same checks as a host registered
 * through the API (BMC address policy, validation) and a Beskar7Machine
 * through the same idempotent request as the scaffolder's.
 */
export class BackendPorts implements InventorySink, MachineSink, StatusSource {
  constructor(private readonly options: BackendPortsOptions) {}

  async upsertHost(reg: HostRegistration): Promise<void> {
    const { hosts, inventory } = this.options;
    // The REST API's checks: an InputError names the field.
    checkRegisterHost(reg);
    const existing = await hosts.getByName(reg.namespace, reg.name);
    if (!existing) {
      try {
        await inventory.registerHost(reg);
        return;
      } catch (error) {
        // Another replica registered it a moment ago: update that one.
        if (!isConflict(error)) throw error;
        // Any other conflict (another host has this BMC) is the caller's.
        if (!(await hosts.getByName(reg.namespace, reg.name))) throw error;
      }
    }
    const current =
      existing ?? (await hosts.getByName(reg.namespace, reg.name));
    if (!current || sameDescription(current, reg)) return;
    await hosts.update(current.id, current.version, {
      pool: reg.pool,
      labels: reg.labels,
      tags: reg.tags,
      failureDomain: reg.failureDomain,
      bmc: reg.bmc,
    });
  }

  async removeHost(namespace: string, name: string): Promise<void> {
    const host = await this.options.hosts.getByName(namespace, name);
    if (!host) return;
    if (!(await this.options.hosts.remove(host.id))) {
      throw new ConflictError(
        `host ${namespace}/${name} is held by machine ${host.consumerId}; it leaves the inventory once released and is never claimed again`,
      );
    }
  }

  removeReleasedHosts(
    only: { namespace?: string; name?: string } = {},
  ): Promise<number> {
    return this.options.hosts.removeReleased(only);
  }

  async ensureMachine(
    reg: MachineRegistration,
    options: { renew?: boolean } = {},
  ): Promise<void> {
    const request = checkKubernetesMachineRequest(reg);
    if (options.renew) {
      // A new object under the name of one deleted earlier: its machine
      // was released, and is forgotten so that this one gets a host.
      const previous = await this.options.machines.getByName(
        reg.namespace,
        reg.name,
      );
      if (previous?.phase === 'Releasing') {
        // Retried at the next resync; it is not a refusal of this spec.
        throw new Error(
          `machine ${reg.namespace}/${reg.name} of an earlier object is still being released`,
        );
      }
      if (previous?.phase === 'Released') {
        await this.options.machines.deleteReleased(previous.id);
      }
    }
    try {
      await this.options.machineService.request(request);
    } catch (error) {
      if (!isConflict(error)) throw error;
      // The namespace scope is a setting, not the user's spec: a replica
      // with another setting requested this machine (a rolling config
      // change). Compared on what the Beskar7Machine says, it is the same.
      const existing = await this.options.machines.getByName(
        reg.namespace,
        reg.name,
      );
      if (!existing) throw error;
      const { namespace: _, ...written } = request.requirements;
      const scope = existing.requirements.namespace;
      const requirements = scope ? { ...written, namespace: scope } : written;
      if (!sameMachineSpec(existing, { ...request, requirements })) throw error;
    }
  }

  async releaseMachine(namespace: string, name: string): Promise<void> {
    const machine = await this.options.machines.getByName(namespace, name);
    if (!machine || machine.phase === 'Released') return;
    await this.options.machineService.release(machine.id);
  }

  host(namespace: string, name: string): Promise<Host | undefined> {
    return this.options.hosts.getByName(namespace, name);
  }

  listHosts(namespace?: string): Promise<Host[]> {
    return this.options.hosts.list({ namespace });
  }

  async machine(
    namespace: string,
    name: string,
  ): Promise<{ machine: Machine; host?: Host } | undefined> {
    const machine = await this.options.machines.getByName(namespace, name);
    if (!machine) return undefined;
    const host = machine.hostId
      ? await this.options.hosts.get(machine.hostId)
      : undefined;
    return { machine, host };
  }
}

function isConflict(error: unknown): boolean {
  return isError(error) && error.name === 'ConflictError';
}

/** Whether the inventory already says what the PhysicalHost says. */
function sameDescription(host: Host, reg: HostRegistration): boolean {
  const described = (
    h: Pick<Host, 'pool' | 'labels' | 'tags' | 'failureDomain' | 'bmc'>,
  ) => ({
    pool: h.pool,
    labels: h.labels,
    tags: [...h.tags].sort(),
    failureDomain: h.failureDomain,
    bmc: h.bmc,
  });
  return sameJson(described(host), described(reg));
}
