import { QueueStatus } from '@beskar7/backstage-plugin-beskar7-common';
import { RunbookDefinition } from '../types';
import {
  pauseQueueStep,
  queueLine,
  READ_ONLY,
  resumeQueueStep,
  watch,
} from './helpers';

export const queueDrainReset: RunbookDefinition = {
  id: 'queue-drain-reset',
  title: 'Queue drain and reset',
  severity: 'warning',
  operatorGuide: {
    title: 'Maintenance: upgrades',
    path: 'docs/maintenance.md#upgrades',
  },
  symptoms: [
    'Before changing the queue limits, upgrading the backend, or maintenance on the image server or BMC network',
    'The queue is paused or draining and nobody knows why',
    'Jobs keep failing the same way and the backlog must be stopped before it burns retries',
  ],
  parameters: [
    {
      name: 'waitSeconds',
      title: 'Wait for empty',
      description:
        'How long the wait step waits for running and queued jobs to finish.',
      type: 'number',
      required: false,
      default: 600,
    },
  ],
  steps: [
    {
      id: 'drain',
      title: 'Drain the queue',
      description:
        'New jobs are refused (counted as draining rejections; the reconcilers ask again later); queued and running jobs are worked off. A pause is lifted first: a paused queue never works its backlog off.',
      kind: 'automated',
      mutates: true,
      risk: {
        level: 'medium',
        description:
          'Machine requests are refused until the queue is resumed; clients must retry. A paused backlog starts at once.',
      },
      run: async ({ actions }) => {
        const before = await actions.queueStatus();
        // Lifting the pause before draining may let a request in between: it is worked off with the rest.
        if (before.paused) await actions.resumeQueue();
        const q = await actions.drainQueue();
        return {
          summary: `Draining${
            before.paused ? ', pause lifted' : ''
          }: ${queueLine(q)}`,
          data: q,
        };
      },
      verification: {
        description: 'The queue reports draining and not paused.',
        check: async ({ actions }) => {
          const q = await actions.queueStatus();
          return q.draining && !q.paused
            ? { passed: true, message: queueLine(q) }
            : { passed: false, message: `Not draining: ${queueLine(q)}` };
        },
      },
      rollback: {
        description: 'Resume the queue (clears drain).',
        run: async ({ actions }) => ({
          summary: `Resumed: ${queueLine(await actions.resumeQueue())}`,
        }),
      },
    },
    {
      id: 'wait-empty',
      title: 'Wait until the queue is empty',
      description:
        'Nothing queued and nothing running on any replica. A paused queue never empties: the step says so.',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async context => {
        const q = await watch(
          context,
          () => context.actions.queueStatus(),
          s => s.length === 0 && s.processing === 0,
          {
            timeoutMs: Number(context.parameters.waitSeconds) * 1000,
            intervalMs: 2_000,
          },
        );
        return { summary: queueLine(q), data: q };
      },
      verification: {
        description: 'No job queued or running.',
        check: (_, o) => {
          const q = o.data as QueueStatus;
          if (q.length === 0 && q.processing === 0)
            return { passed: true, message: 'Empty' };
          return {
            passed: false,
            message: `${queueLine(q)}${
              q.paused
                ? ': the queue is paused, so queued jobs never start; resume it (roll back) or retry later'
                : ': retry this step to wait longer'
            }`,
          };
        },
      },
      rollback: { description: 'Nothing to undo.' },
    },
    {
      ...pauseQueueStep,
      description:
        'Hold the empty queue while the limits change, so the first jobs after the change run under the new limits.',
    },
    {
      id: 'reset-limits',
      title: 'Reset the limits',
      description:
        'Apply the new queue limits (maxQueueSize, workerCount, maxConcurrentOps, cooldowns) while nothing runs.',
      kind: 'manual',
      instruction:
        'Validate the new values with POST /api/beskar7/config/validate, set them under beskar7.provisioning and roll the deployment. Skip with a pass verdict if no limit changes.',
      mutates: true,
      risk: {
        level: 'low',
        description:
          'A bad value stops the backend at start-up (the validation names it); the previous pods keep running until the new ones are ready.',
      },
      verification: {
        description:
          'GET /api/beskar7/queue shows the intended limits (operator verdict).',
      },
      rollback: {
        description: 'Set the previous values back and roll the deployment.',
      },
    },
    resumeQueueStep,
  ],
};
