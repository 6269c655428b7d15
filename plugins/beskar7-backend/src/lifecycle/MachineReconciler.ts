import { LoggerService } from '@backstage/backend-plugin-api';
import {
  Machine,
  MachinePhase,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { HostStore } from '../database/HostStore';
import { MachineStore } from '../database/MachineStore';
import { ProvisioningQueue } from '../queue/ProvisioningQueue';
import { enqueueFor } from './enqueueFor';
import { HostClaimPort } from './types';

/** Phases in which a machine still needs something done. */
const ACTIVE_PHASES: MachinePhase[] = [
  'Pending',
  'Claimed',
  'Provisioning',
  'Releasing',
];

export interface MachineReconcilerOptions {
  knex: Knex;
  queue: ProvisioningQueue;
  claims: HostClaimPort;
  logger: LoggerService;
}

/**
 * Moves machine requests along: a Pending machine gets a host from the
 * claim engine and its provisioning job; a claimed one keeps its job
 * queued; a releasing one gets its host's cleanup job. Phases past that are
 * written by the jobs themselves, in the same transaction as the host.
 */
export class MachineReconciler {
  private readonly hosts: HostStore;
  private readonly machines: MachineStore;

  constructor(private readonly options: MachineReconcilerOptions) {
    this.hosts = new HostStore(options.knex);
    this.machines = new MachineStore(options.knex);
  }

  async reconcileAll(): Promise<void> {
    const machines = await this.machines.list({ phase: ACTIVE_PHASES });
    for (const machine of machines) await this.reconcileMachine(machine);
  }

  async reconcile(machineId: string): Promise<void> {
    const machine = await this.machines.get(machineId);
    if (machine) await this.reconcileMachine(machine);
  }

  private async reconcileMachine(machine: Machine): Promise<void> {
    const { claims, queue, logger } = this.options;
    try {
      let hostId = machine.hostId;
      if (machine.phase === 'Pending') {
        const result = await claims.claim(machine.id);
        if (result.outcome !== 'claimed') return;
        hostId = result.hostId;
      }
      const host = hostId && (await this.hosts.get(hostId));
      if (!host || host.consumerId !== machine.id) return;
      const wanted =
        machine.phase === 'Releasing'
          ? host.state === 'Deprovisioning' && 'deprovision'
          : ['Claimed', 'Provisioning'].includes(host.state) && 'provision';
      if (!wanted) return;
      const active = await queue.activeJob(host.id);
      if (!active) await enqueueFor(queue, logger, host, wanted);
      else if (active.operation !== wanted && active.status === 'queued') {
        // Released before its provisioning started: replace the job.
        if (await queue.cancelQueued(host.id)) {
          await enqueueFor(queue, logger, host, wanted);
        }
      }
    } catch (error) {
      logger.warn(`Could not reconcile machine ${machine.id}: ${error}`);
    }
  }
}
