import {
  PoolSummary,
  QueueStatus,
} from '@beskar7/backstage-plugin-beskar7-common';
import { RunbookDefinition } from '../types';
import { NOTHING_TO_UNDO, percent, READ_ONLY } from './helpers';

/** Utilisation from which a pool (or the queue) needs planning. */
export const CAPACITY_WARNING_SHARE = 0.8;

/** The warnings of a capacity report; pure. */
export function capacityWarnings(
  pools: PoolSummary[],
  queue: QueueStatus,
): string[] {
  const warnings = pools
    .filter(p => p.total > 0 && p.utilisation >= CAPACITY_WARNING_SHARE)
    .map(
      p =>
        `pool ${p.pool} at ${percent(p.utilisation)} (${
          p.byState.Available
        } Available of ${p.total})`,
    );
  const queueShare = queue.maxQueueSize ? queue.length / queue.maxQueueSize : 0;
  if (queueShare >= CAPACITY_WARNING_SHARE) {
    warnings.push(
      `queue at ${percent(queueShare)} of maxQueueSize ${queue.maxQueueSize}`,
    );
  }
  const slotShare = queue.maxConcurrentOps
    ? queue.processing / queue.maxConcurrentOps
    : 0;
  if (slotShare >= CAPACITY_WARNING_SHARE) {
    warnings.push(
      `${queue.processing} of ${queue.maxConcurrentOps} concurrency slots busy`,
    );
  }
  return warnings;
}

export const capacityPlanning: RunbookDefinition = {
  id: 'capacity-planning',
  title: 'Capacity planning report',
  severity: 'info',
  operatorGuide: {
    title: 'Scaling: capacity planning',
    path: 'docs/scaling.md#capacity-planning',
  },
  symptoms: [
    'Diagnostics: no Available host while hosts are claimed, or machines pending without an Available host',
    'Monthly capacity review, or before onboarding a team that will request many machines',
  ],
  parameters: [],
  steps: [
    {
      id: 'pool-utilisation',
      title: 'Utilisation per pool',
      description: `Hosts held by machines against the pool size; ${percent(
        CAPACITY_WARNING_SHARE,
      )} and above needs new hosts or a release.`,
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async ({ actions }) => {
        const [pools, queue] = await Promise.all([
          actions.poolSummaries(),
          actions.queueStatus(),
        ]);
        const warnings = capacityWarnings(pools, queue);
        const lines = pools.map(
          p => `${p.pool}: ${percent(p.utilisation)} of ${p.total}`,
        );
        return {
          summary: `${lines.join('; ') || 'no pools'}${
            warnings.length ? ` — warnings: ${warnings.join('; ')}` : ''
          }`,
          data: { pools, queue, warnings },
        };
      },
      verification: {
        description: `No pool, queue or concurrency limit at ${percent(
          CAPACITY_WARNING_SHARE,
        )} or more.`,
        check: (_, o) => {
          const { warnings } = o.data as { warnings: string[] };
          return warnings.length
            ? {
                passed: false,
                message: `Plan capacity for: ${warnings.join('; ')}`,
              }
            : { passed: true, message: 'Every pool and limit is below 80%' };
        },
      },
      rollback: NOTHING_TO_UNDO,
    },
    {
      id: 'plan',
      title: 'Plan the additions',
      description:
        'Order hosts for the pools at 80% (lead time for hardware is weeks), or move idle hosts between pools; raise the queue limits with the queue-backlog runbook.',
      kind: 'manual',
      instruction:
        'Record the report in the capacity review and file the hardware request or the pool moves.',
      mutates: false,
      risk: READ_ONLY,
      verification: { description: 'The request is filed (operator verdict).' },
      rollback: NOTHING_TO_UNDO,
    },
  ],
};
