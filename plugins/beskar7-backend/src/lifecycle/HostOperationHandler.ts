import { LoggerService } from '@backstage/backend-plugin-api';
import { Host, HostState } from '@beskar7/backstage-plugin-beskar7-common';
import { ConflictError } from '@backstage/errors';
import { Knex } from 'knex';
import { HostEventStore } from '../database/HostEventStore';
import { HostStore } from '../database/HostStore';
import {
  hostCapabilitiesColumns,
  hostSpecToColumns,
  powerStateColumns,
} from '../database/hostRows';
import { MACHINES_TABLE } from '../database/machineRows';
import { MachineStore } from '../database/MachineStore';
import { QueueMetrics } from '../metrics/queueMetrics';
import { parseBmcEndpoint } from '../redfish/bmcEndpoint';
import { JobHandler, JobOperation, ProvisioningJob } from '../queue/types';
import { applyHostTransition } from './applyHostTransition';
import { InvalidTransitionError } from './errors';
import { failHost } from './hostActions';
import { BmcSystem, HostOperationExecutor, OperationContext } from './types';
import { DuplicateHostError, isUniqueViolation } from '../database/errors';
import { siblingHostName } from '../inventory/siblingName';

/** Reason of a host refused because it is a server registered already. */
export const DUPLICATE_SERVER = 'DuplicateServer';

/** Reason of the host event naming further systems of its BMC that got no host. */
export const SYSTEMS_NOT_REGISTERED = 'SystemsNotRegistered';

/** The host states in which each operation has work to do. */
const STATES_OF: Record<JobOperation, HostState[]> = {
  inspect: ['Enrolling'],
  provision: ['Claimed', 'Provisioning'],
  deprovision: ['Deprovisioning'],
};

export interface HostOperationHandlerOptions {
  knex: Knex;
  executor: HostOperationExecutor;
  logger: LoggerService;
  metrics?: Pick<QueueMetrics, 'hostStateTransitions'>;
}

/**
 * Runs queue jobs through the state machine: each starts from the host as
 * stored, so a retried or taken-over job finishes what is left, and a job
 * whose host moved on (released mid-provisioning) ends without effect.
 */
export class HostOperationHandler implements JobHandler {
  private readonly hosts: HostStore;
  private readonly machines: MachineStore;

  constructor(private readonly options: HostOperationHandlerOptions) {
    this.hosts = new HostStore(options.knex);
    this.machines = new MachineStore(options.knex);
  }

  async run(job: ProvisioningJob, { signal }: { signal: AbortSignal }) {
    const host = await this.hosts.get(job.hostId);
    if (!host || !STATES_OF[job.operation].includes(host.state)) {
      this.options.logger.info(
        `Job ${job.id}: host ${job.hostId} is ${
          host?.state ?? 'gone'
        }, nothing to ${job.operation}`,
      );
      return;
    }
    const context = { signal, jobId: job.id, attempt: job.attempt };
    try {
      if (job.operation === 'inspect') await this.inspect(host, context);
      else if (job.operation === 'provision')
        await this.provision(host, context);
      else await this.deprovision(host, context);
    } catch (error) {
      // The host moved on while we worked (e.g. released): not a failure of the job.
      if (error instanceof InvalidTransitionError) {
        this.options.logger.info(`Job ${job.id} superseded: ${error.message}`);
        return;
      }
      throw error;
    }
  }

  async giveUp(job: ProvisioningJob, error: Error): Promise<void> {
    try {
      await failHost(
        this.options.knex,
        {
          hostId: job.hostId,
          reason: `${capitalize(job.operation)}Failed`,
          message: error.message,
          from: STATES_OF[job.operation],
        },
        this.options.metrics,
      );
    } catch (e) {
      if (!(e instanceof InvalidTransitionError)) throw e;
    }
  }

  private async inspect(found: Host, context: OperationContext) {
    const host = found.systemId
      ? found
      : await this.resolveSystem(found, context);
    if (!host) return;
    const inventory = await this.options.executor.inspect(host, context);
    const identity = inventory.systemIdentity;
    const duplicate =
      identity && (await this.hosts.sameServer(identity, host.id));
    if (duplicate) {
      await this.refuseDuplicate(host, duplicate);
      return;
    }
    try {
      await this.transition({
        hostId: host.id,
        from: 'Enrolling',
        to: 'Available',
        reason: 'Inspected',
        inventoryRead: true,
        columns: {
          ...hostSpecToColumns({
            hardware: { ...host.hardware, ...inventory.hardware },
          }),
          ...powerStateColumns(inventory.powerState),
          ...(identity && { system_identity: identity }),
          ...(inventory.capabilities &&
            hostCapabilitiesColumns(inventory.capabilities)),
          ...(inventory.vendor && { bmc_vendor: inventory.vendor }),
        },
      });
    } catch (error) {
      // Another host recorded the same server a moment ago.
      const raced =
        identity &&
        isUniqueViolation(error) &&
        (await this.hosts.sameServer(identity, host.id));
      if (!raced) throw error;
      await this.refuseDuplicate(host, raced);
    }
  }

  /**
   * The host is a server registered already under another name: it goes
   * to Error (never claimable) naming the first, without retries; nothing
   * about it changes until it is deleted.
   */
  private async refuseDuplicate(host: Host, duplicate: DuplicateHostError) {
    await this.transition({
      hostId: host.id,
      from: 'Enrolling',
      to: 'Error',
      reason: DUPLICATE_SERVER,
      message: `${duplicate.message}; this host is refused: delete it, or the other`,
    });
  }

  /**
   * A host registered by its bare BMC address becomes the BMC's first system
   * no other host is (by system id or by what the system says it is); each
   * further free system is registered as a host of its own
   * (`<name>-<system id>`), so every server behind the BMC is usable.
   * Undefined when the host was refused: every system is another host.
   */
  private async resolveSystem(
    host: Host,
    context: OperationContext,
  ): Promise<Host | undefined> {
    const systems = await this.options.executor.listSystems(host, context);
    const { endpoint } = parseBmcEndpoint(host.bmc.address);
    const others = (await this.hosts.listByEndpoint(endpoint)).filter(
      h => h.id !== host.id,
    );
    const taken = new Set(others.map(h => h.systemId));
    const free: BmcSystem[] = [];
    let firstHolder: DuplicateHostError | undefined;
    for (const system of systems) {
      const holder = others.find(h => h.systemId === system.id);
      const sameServer =
        !holder && system.identity
          ? await this.hosts.sameServer(system.identity, host.id)
          : undefined;
      if (holder || sameServer) {
        firstHolder ??=
          sameServer ??
          new DuplicateHostError(
            holder!,
            `System ${system.id} of BMC ${endpoint}`,
          );
      } else if (!taken.has(system.id)) free.push(system);
    }
    const [mine, ...rest] = free;
    if (!mine) {
      await this.refuseDuplicate(
        host,
        firstHolder ??
          new DuplicateHostError(host, `Every system of BMC ${endpoint}`),
      );
      return undefined;
    }
    const resolved = await this.hosts.resolveSystem(host.id, mine.id);
    const notRegistered: string[] = [];
    for (const system of rest) {
      const why = await this.registerSibling(host, mine.id, system);
      if (why) notRegistered.push(`system ${system.id}: ${why}`);
    }
    if (notRegistered.length) {
      // Where a user sees it: the host's history (REST, UI), not only the log.
      await new HostEventStore(this.options.knex).record({
        hostId: host.id,
        fromState: 'Enrolling',
        toState: 'Enrolling',
        reason: SYSTEMS_NOT_REGISTERED,
        message: `Further systems of BMC ${endpoint} not registered: ${notRegistered.join(
          '; ',
        )}`,
      });
    }
    return resolved;
  }

  /**
   * Registers a further system of the host's BMC as a host of its own,
   * under `<name>-<system id>` (shortened with a hash where too long, or
   * taken by another host); when the system is not registered, says why.
   */
  private async registerSibling(
    host: Host,
    mineId: string,
    system: BmcSystem,
  ): Promise<string | undefined> {
    const { endpoint } = parseBmcEndpoint(host.bmc.address);
    const create = (name: string) =>
      this.hosts.create({
        name,
        namespace: host.namespace,
        pool: host.pool,
        labels: host.labels,
        tags: host.tags,
        failureDomain: host.failureDomain,
        systemIdentity: system.identity,
        bmc: {
          ...host.bmc,
          address: new URL(
            `/redfish/v1/Systems/${encodeURIComponent(system.id)}`,
            host.bmc.address,
          ).toString(),
        },
      });
    const names = [
      siblingHostName(host.name, system.id),
      siblingHostName(host.name, system.id, true),
    ];
    for (const name of names) {
      try {
        const sibling = await create(name);
        this.options.logger.info(
          `Host ${host.namespace}/${host.name} is system ${mineId} of BMC ${endpoint}; registered its system ${system.id} as host ${sibling.namespace}/${sibling.name}`,
        );
        return undefined;
      } catch (error) {
        // Registered meanwhile (by another replica, or by hand).
        if (error instanceof DuplicateHostError) {
          this.options.logger.info(`Not registering: ${error.message}`);
          return error.message;
        }
        const nameTaken = error instanceof ConflictError;
        if (!nameTaken || name === names[names.length - 1]) {
          const why = nameTaken
            ? `the names ${names.join(' and ')} are taken in namespace ${
                host.namespace
              }`
            : String(error instanceof Error ? error.message : error);
          this.options.logger.warn(
            `System ${system.id} of BMC ${endpoint} (beside host ${host.namespace}/${host.name}) was not registered: ${why}`,
          );
          return why;
        }
      }
    }
    return undefined;
  }

  private async provision(host: Host, context: OperationContext) {
    const machine =
      host.consumerId && (await this.machines.get(host.consumerId));
    if (!machine)
      throw new Error(`host ${host.id} has no machine to provision for`);
    if (host.state === 'Claimed') {
      await this.transition({
        hostId: host.id,
        from: 'Claimed',
        to: 'Provisioning',
        reason: 'ProvisioningStarted',
        message: `${machine.provisioningMode} ${machine.imageUrl}`,
        alsoWithin: trx =>
          trx(MACHINES_TABLE)
            .where({ id: machine.id, phase: 'Claimed' })
            .update({ phase: 'Provisioning', updated_at: new Date() }),
      });
    }
    const outcome = await this.options.executor.provision(
      host,
      machine,
      context,
    );
    await this.transition({
      hostId: host.id,
      from: 'Provisioning',
      to: 'Provisioned',
      reason: 'Provisioned',
      columns: powerStateColumns(outcome?.powerState),
      alsoWithin: trx =>
        trx(MACHINES_TABLE)
          .where({ id: machine.id })
          .whereIn('phase', ['Claimed', 'Provisioning'])
          .update({ phase: 'Provisioned', updated_at: new Date() }),
    });
  }

  private async deprovision(host: Host, context: OperationContext) {
    const outcome = await this.options.executor.deprovision(host, context);
    await this.transition({
      hostId: host.id,
      from: 'Deprovisioning',
      to: 'Available',
      reason: 'Deprovisioned',
      columns: powerStateColumns(outcome?.powerState),
    });
  }

  private transition(request: Parameters<typeof applyHostTransition>[1]) {
    return applyHostTransition(
      this.options.knex,
      request,
      this.options.metrics,
    );
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
