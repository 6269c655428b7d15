import { HostState } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { HostEventStore } from '../database/HostEventStore';
import { HOSTS_TABLE } from '../database/hostRows';
import { MACHINES_TABLE } from '../database/machineRows';
import { QueueMetrics } from '../metrics/queueMetrics';
import { applyHostTransition } from './applyHostTransition';

type Metrics = Pick<QueueMetrics, 'hostStateTransitions'> | undefined;

/**
 * Moves a host to Error with a readable message. A machine waiting for the
 * host to be provisioned fails with the same message. One releasing it
 * lets go (Released, the message kept as its failure reason): the cleanup
 * it waited for is the host's to finish, at its recovery, and a machine
 * never stays Releasing for good.
 */
export function failHost(
  knex: Knex,
  request: {
    hostId: string;
    reason: string;
    message: string;
    from?: HostState[];
  },
  metrics: Metrics,
) {
  return applyHostTransition(
    knex,
    {
      ...request,
      to: 'Error',
      alsoWithin: async (trx, host) => {
        if (!host.consumer_id) return;
        await trx(MACHINES_TABLE)
          .where({ id: host.consumer_id })
          .whereIn('phase', ['Claimed', 'Provisioning', 'Provisioned'])
          .update({
            phase: 'Failed',
            failure_reason: request.message,
            updated_at: new Date(),
          });
        const released = await trx(MACHINES_TABLE)
          .where({ id: host.consumer_id, phase: 'Releasing' })
          .update({
            phase: 'Released',
            host_id: null,
            failure_reason: `the cleanup of host ${host.namespace}/${host.name} failed: ${request.message}`,
            updated_at: new Date(),
          });
        if (released) {
          await trx(HOSTS_TABLE)
            .where({ id: host.id })
            .update({ consumer_id: null });
        }
      },
    },
    metrics,
  );
}

/**
 * An operator's recovery of a host in Error. A host that may have served a
 * machine, or got half-way through provisioning, is cleaned up as a
 * release is (Deprovisioning: eject, power off, clear the boot override,
 * verified) before it is Available again: the next tenant must not boot
 * the last one's image. A host that never got past its inspection is
 * inspected again (Enrolling).
 */
export async function recoverHost(
  knex: Knex,
  request: { hostId: string; message?: string },
  metrics: Metrics,
) {
  const events = await new HostEventStore(knex).list(request.hostId);
  const failedIn = events.reverse().find(e => e.toState === 'Error')?.fromState;
  return applyHostTransition(
    knex,
    {
      hostId: request.hostId,
      from: 'Error',
      to: failedIn === 'Enrolling' ? 'Enrolling' : 'Deprovisioning',
      reason: 'RecoveryRequested',
      message: request.message,
      recovery: true,
    },
    metrics,
  );
}
