import {
  ProvisioningJob,
  QueueStatus,
} from '@beskar7/backstage-plugin-beskar7-common';
import { THRESHOLDS } from '../../diagnostics';
import { RunbookDefinition } from '../types';
import { NOTHING_TO_UNDO, queueLine, READ_ONLY, watch } from './helpers';

const LIMIT = THRESHOLDS.queueLength;
const HOUR = 3_600_000;
/** A BMC this slow per operation, or failing this often, holds the queue back. */
const SLOW_OPERATION_MS = 10 * 60_000;
const FAILING_SHARE = 0.2;

/** Per-BMC job statistics of the last hour; pure. */
export function bmcJobStats(jobs: ProvisioningJob[]) {
  const byBmc = new Map<
    string,
    { jobs: number; failed: number; durations: number[] }
  >();
  for (const job of jobs) {
    const s = byBmc.get(job.bmcAddress) ?? {
      jobs: 0,
      failed: 0,
      durations: [],
    };
    s.jobs += 1;
    if (job.status === 'failed' || job.lastError) s.failed += 1;
    if (job.startedAt && job.finishedAt) {
      s.durations.push(Date.parse(job.finishedAt) - Date.parse(job.startedAt));
    }
    byBmc.set(job.bmcAddress, s);
  }
  return [...byBmc].map(([bmcAddress, s]) => ({
    bmcAddress,
    jobs: s.jobs,
    failed: s.failed,
    slowestMs: s.durations.length ? Math.max(...s.durations) : 0,
  }));
}

export const queueBacklog: RunbookDefinition = {
  id: 'queue-backlog',
  title: 'Provisioning queue backlog',
  severity: 'warning',
  operatorGuide: {
    title: 'Performance: provisioning limits',
    path: 'docs/performance.md#limits',
  },
  symptoms: [
    `Diagnostics: queue length above ${LIMIT.warningAbove}, or at ${
      LIMIT.errorAtShareOfMax * 100
    }% of maxQueueSize`,
    'Provisioning jobs refused because the queue is full (beskar7_provisioning_queue_rejections_total{reason="full"} rising)',
    'Machines sit in Claimed for a long time before Provisioning starts',
  ],
  parameters: [
    {
      name: 'observeSeconds',
      title: 'Observation time',
      description: 'How long the last step watches the queue shrink.',
      type: 'number',
      required: false,
      default: 120,
    },
  ],
  steps: [
    {
      id: 'queue-status',
      title: 'Read the queue status',
      description:
        'Length against maxQueueSize, running jobs against maxConcurrentOps, pause and drain switches, BMCs in cooldown.',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async ({ actions }) => {
        const q = await actions.queueStatus();
        return {
          summary: `${queueLine(q)}; ${q.cooldowns.length} BMC(s) cooling down`,
          data: q,
        };
      },
      verification: {
        description:
          'The queue is not paused (a paused queue is not a backlog problem: use queue-drain-reset to resume it).',
        check: (_, outcome) => {
          const q = outcome.data as QueueStatus;
          if (q.paused)
            return {
              passed: false,
              message:
                'The queue is paused: resume it with the queue-drain-reset runbook',
            };
          if (q.length === 0)
            return { passed: true, message: 'No job is waiting' };
          return q.processing < q.maxConcurrentOps
            ? {
                passed: true,
                message:
                  'Workers are idle while jobs wait: cooldowns or slow BMCs set the pace',
              }
            : {
                passed: true,
                message:
                  'Every concurrency slot is busy: the fleet asks for more than the limits allow',
              };
        },
      },
      rollback: NOTHING_TO_UNDO,
    },
    {
      id: 'slow-bmcs',
      title: 'Find slow and failing BMCs',
      description:
        'Per BMC over the last hour: jobs, failures, slowest operation; and the BMCs whose circuit breaker is open.',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async ({ actions }) => {
        const [jobs, circuits] = await Promise.all([
          actions.recentJobs(Date.now() - HOUR),
          actions.bmcCircuits(),
        ]);
        const offenders = bmcJobStats(jobs).filter(
          s =>
            s.slowestMs > SLOW_OPERATION_MS ||
            s.failed / s.jobs > FAILING_SHARE,
        );
        const open = circuits.filter(c => c.state !== 'closed');
        return {
          summary: `${offenders.length} slow or failing BMC(s), ${open.length} open circuit(s)`,
          data: {
            offenders,
            open: open.map(c => ({
              address: c.address,
              lastError: c.lastError,
            })),
          },
        };
      },
      verification: {
        description: `Pass when no BMC is slower than ${
          SLOW_OPERATION_MS / 60_000
        } min per operation, fails more than ${
          FAILING_SHARE * 100
        }% of its jobs, or has an open circuit.`,
        check: (_, outcome) => {
          const { offenders, open } = outcome.data as {
            offenders: Array<{ bmcAddress: string }>;
            open: Array<{ address: string }>;
          };
          const names = [
            ...offenders.map(o => o.bmcAddress),
            ...open.map(o => o.address),
          ];
          return names.length
            ? {
                passed: false,
                message: `Look at ${[...new Set(names)].join(
                  ', ',
                )}: run bmc-connectivity on their hosts, or lengthen their cooldown (next steps)`,
              }
            : {
                passed: true,
                message: 'No BMC stands out: the limits are the bottleneck',
              };
        },
      },
      rollback: NOTHING_TO_UNDO,
    },
    {
      id: 'raise-limits',
      title: 'Raise maxQueueSize or the worker count',
      description:
        'When every slot is busy and the BMCs are healthy, raise workerCount (per replica) and maxConcurrentOps together; raise maxQueueSize only to absorb a known burst, since a longer queue means longer waits, not more throughput.',
      kind: 'manual',
      instruction:
        'Validate the new values with POST /api/beskar7/config/validate, set beskar7.provisioning.workerCount / maxConcurrentOps / maxQueueSize in app-config and roll the deployment.',
      mutates: true,
      risk: {
        level: 'medium',
        description:
          'More parallel operations load the image server, the DHCP/PXE path and shared BMCs (chassis, blade enclosures); BMC errors can rise.',
      },
      verification: {
        description:
          'The queue reports the new limits (operator verdict after comparing with the intended values).',
      },
      rollback: {
        description: 'Set the previous values back and roll the deployment.',
      },
    },
    {
      id: 'lengthen-cooldown',
      title: "Lengthen a slow BMC's cooldown",
      description:
        'A BMC that fails under back-to-back operations (session limits, busy virtual media) recovers with a longer gap; set a per-vendor cooldown for its vendor.',
      kind: 'manual',
      instruction:
        'Set beskar7.provisioning.vendorCooldownPeriods.<vendor> (for example `dell: 30s`) and roll the deployment.',
      mutates: true,
      risk: {
        level: 'low',
        description:
          'Hosts behind that vendor provision more slowly; the failures stop costing retries.',
      },
      verification: {
        description:
          'The BMC error rate of that vendor drops (operator verdict from the BMC error dashboard).',
      },
      rollback: {
        description: 'Remove the vendor cooldown and roll the deployment.',
      },
    },
    {
      id: 'lower-concurrency',
      title: 'Lower maxConcurrentOps if shared infrastructure saturates',
      description:
        'If image downloads time out or BMC errors rise across vendors, the bottleneck is shared (image server, network): fewer operations at once finish sooner.',
      kind: 'manual',
      instruction:
        'Lower beskar7.provisioning.maxConcurrentOps (halve it first) and roll the deployment.',
      mutates: true,
      risk: {
        level: 'low',
        description: 'Throughput falls if the saturation was not the cause.',
      },
      verification: {
        description:
          'Operation timeouts and BMC errors fall within a window (operator verdict).',
      },
      rollback: { description: 'Set the previous maxConcurrentOps back.' },
    },
    {
      id: 'watch-backlog',
      title: 'Watch the backlog shrink',
      description: 'Sample the queue over the observation time.',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async context => {
        const first = await context.actions.queueStatus();
        const last = await watch(
          context,
          () => context.actions.queueStatus(),
          q => q.length <= LIMIT.warningAbove,
          {
            timeoutMs: Number(context.parameters.observeSeconds) * 1000,
            intervalMs: 5_000,
          },
        );
        return {
          summary: `Queue went from ${first.length} to ${last.length}`,
          data: { first: first.length, last: last.length },
        };
      },
      verification: {
        description: `Pass when the queue is at or below ${LIMIT.warningAbove}, or shrank during the observation.`,
        check: (_, outcome) => {
          const { first, last } = outcome.data as {
            first: number;
            last: number;
          };
          return last <= LIMIT.warningAbove || last < first
            ? { passed: true, message: outcome.summary }
            : {
                passed: false,
                message: `${outcome.summary}: not shrinking; retry this step after the rollout, or escalate`,
              };
        },
      },
      rollback: NOTHING_TO_UNDO,
    },
  ],
};
