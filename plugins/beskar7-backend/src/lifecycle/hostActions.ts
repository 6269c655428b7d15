import { HostState } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { MACHINES_TABLE } from '../database/machineRows';
import { QueueMetrics } from '../metrics/queueMetrics';
import { applyHostTransition } from './applyHostTransition';

type Metrics = Pick<QueueMetrics, 'hostStateTransitions'> | undefined;

/**
 * Moves a host to Error with a readable message. A machine waiting for the
 * host to be provisioned fails with the same message; one releasing it
 * stays Releasing until the host is recovered.
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
      },
    },
    metrics,
  );
}

/** Error -> Enrolling on an operator's request; the host is inspected again. */
export function recoverHost(
  knex: Knex,
  request: { hostId: string; message?: string },
  metrics: Metrics,
) {
  return applyHostTransition(
    knex,
    {
      hostId: request.hostId,
      to: 'Enrolling',
      reason: 'Recovery',
      message: request.message,
      recovery: true,
    },
    metrics,
  );
}
