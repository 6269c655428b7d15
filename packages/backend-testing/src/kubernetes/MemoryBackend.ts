import { ConflictError } from '@backstage/errors';
import {
  Host,
  Machine,
  MachinePhase,
} from '@beskar7/backstage-plugin-beskar7-common';
import { randomUUID } from 'node:crypto';
import {
  HostRegistration,
  InventorySink,
  MachineRegistration,
  MachineSink,
  StatusSource,
} from '../../../../plugins/beskar7-backend/src/kubernetes/ports';

/** The rest of the backend, in memory: what the ports promise and no more. */
export class MemoryBackend implements InventorySink, MachineSink, StatusSource {
  readonly hosts = new Map<string, Host>();
  readonly machines = new Map<string, Machine>();
  /** Sink calls, in order, as `upsertHost ns/name`. */
  readonly calls: string[] = [];
  /** Hosts whose removal waits for their release. */
  private readonly removalRequested = new Set<string>();

  async upsertHost(reg: HostRegistration): Promise<void> {
    const key = `${reg.namespace}/${reg.name}`;
    this.calls.push(`upsertHost ${key}`);
    const now = new Date().toISOString();
    const existing = this.hosts.get(key);
    this.hosts.set(key, {
      id: existing?.id ?? randomUUID(),
      state: existing?.state ?? 'Enrolling',
      hardware: existing?.hardware ?? { macAddresses: [] },
      consumerId: existing?.consumerId,
      version: (existing?.version ?? 0) + 1,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      name: reg.name,
      namespace: reg.namespace,
      pool: reg.pool,
      labels: reg.labels,
      tags: reg.tags,
      failureDomain: reg.failureDomain,
      bmc: reg.bmc,
    });
  }

  async removeHost(namespace: string, name: string): Promise<void> {
    const key = `${namespace}/${name}`;
    this.calls.push(`removeHost ${key}`);
    if (this.hosts.get(key)?.consumerId) {
      this.removalRequested.add(key);
      throw new ConflictError(`host ${key} is held by a machine`);
    }
    this.hosts.delete(key);
  }

  async removeReleasedHosts(
    only: { namespace?: string; name?: string } = {},
  ): Promise<number> {
    let removed = 0;
    for (const key of this.removalRequested) {
      const host = this.hosts.get(key);
      if (only.namespace && host?.namespace !== only.namespace) continue;
      if (only.name && host?.name !== only.name) continue;
      if (host?.consumerId) continue;
      this.removalRequested.delete(key);
      if (this.hosts.delete(key)) removed++;
    }
    return removed;
  }

  async ensureMachine(req: MachineRegistration): Promise<void> {
    const key = `${req.namespace}/${req.name}`;
    this.calls.push(`ensureMachine ${key}`);
    if (this.machines.has(key)) return;
    const now = new Date().toISOString();
    this.machines.set(key, {
      id: randomUUID(),
      name: req.name,
      namespace: req.namespace,
      requirements: req.requirements ?? {},
      imageUrl: req.imageUrl,
      configUrl: req.configUrl,
      osFamily: req.osFamily,
      provisioningMode: req.provisioningMode,
      bootMode: req.bootMode ?? 'UEFI',
      phase: 'Pending',
      createdAt: now,
      updatedAt: now,
    });
  }

  async releaseMachine(namespace: string, name: string): Promise<void> {
    this.calls.push(`releaseMachine ${namespace}/${name}`);
    const machine = this.machines.get(`${namespace}/${name}`);
    if (machine) this.release(machine);
  }

  async listHosts(namespace?: string): Promise<Host[]> {
    return [...this.hosts.values()].filter(
      h => !namespace || h.namespace === namespace,
    );
  }

  async host(namespace: string, name: string): Promise<Host | undefined> {
    return this.hosts.get(`${namespace}/${name}`);
  }

  async machine(namespace: string, name: string) {
    const machine = this.machines.get(`${namespace}/${name}`);
    if (!machine) return undefined;
    const host = [...this.hosts.values()].find(h => h.id === machine.hostId);
    return { machine, host };
  }

  /** What the claim engine does: the machine takes the host. */
  claim(machineKey: string, hostKey: string): void {
    const machine = this.machines.get(machineKey)!;
    const host = this.hosts.get(hostKey)!;
    host.consumerId = machine.id;
    host.state = 'Claimed';
    machine.hostId = host.id;
    machine.phase = 'Claimed';
  }

  setPhase(machineKey: string, phase: MachinePhase, failureReason?: string) {
    const machine = this.machines.get(machineKey)!;
    machine.phase = phase;
    machine.failureReason = failureReason;
  }

  private release(machine: Machine) {
    const host = [...this.hosts.values()].find(h => h.id === machine.hostId);
    if (host) {
      host.consumerId = undefined;
      host.state = 'Available';
    }
    machine.hostId = undefined;
    machine.phase = 'Released';
  }
}
