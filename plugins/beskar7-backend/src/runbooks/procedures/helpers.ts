import {
  QueueStatus,
  StepRisk,
} from '@beskar7/backstage-plugin-beskar7-common';
import { AutomatedStep, StepContext } from '../types';

export const READ_ONLY: StepRisk = {
  level: 'none',
  description: 'Reads state only; nothing changes.',
};

export const NOTHING_TO_UNDO = {
  description: 'Nothing to undo: the step only reads.',
};

export const percent = (fraction: number) =>
  `${Math.round(fraction * 1000) / 10}%`;

/**
 * Polls `read` until `done` holds or `timeoutMs` passes; returns the last
 * value either way, so the verification can judge it.
 */
export async function watch<T>(
  context: StepContext,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: { timeoutMs: number; intervalMs: number },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await context.sleep(options.intervalMs);
    value = await read();
  }
  return value;
}

export const queueLine = (q: QueueStatus) =>
  `${q.length} queued of ${q.maxQueueSize}, ${q.processing} running of ${q.maxConcurrentOps}` +
  `${q.paused ? ', paused' : ''}${q.draining ? ', draining' : ''}`;

export const pauseQueueStep: AutomatedStep = {
  id: 'pause-queue',
  title: 'Pause the provisioning queue',
  description:
    'Stop every replica from starting new provisioning jobs; jobs already running finish.',
  kind: 'automated',
  mutates: true,
  risk: {
    level: 'low',
    description:
      'Machine requests keep being accepted but wait; nothing already running is interrupted.',
  },
  run: async ({ actions }) => {
    const q = await actions.pauseQueue();
    return { summary: `Queue paused: ${queueLine(q)}`, data: q };
  },
  verification: {
    description: 'The queue reports paused.',
    check: async ({ actions }) => {
      const q = await actions.queueStatus();
      return q.paused
        ? { passed: true, message: 'Paused' }
        : { passed: false, message: 'The queue is not paused' };
    },
  },
  rollback: {
    description: 'Resume the queue.',
    run: async ({ actions }) => {
      const q = await actions.resumeQueue();
      return { summary: `Queue resumed: ${queueLine(q)}` };
    },
  },
};

export const resumeQueueStep: AutomatedStep = {
  id: 'resume-queue',
  title: 'Resume the provisioning queue',
  description:
    'Clear pause and drain, so that workers take jobs and requests are accepted again.',
  kind: 'automated',
  mutates: true,
  risk: {
    level: 'low',
    description:
      'The backlog starts at once, up to maxConcurrentOps operations: watch the BMC error rate for the first minutes.',
  },
  run: async ({ actions }) => {
    const q = await actions.resumeQueue();
    return { summary: `Queue resumed: ${queueLine(q)}`, data: q };
  },
  verification: {
    description: 'The queue is neither paused nor draining.',
    check: async ({ actions }) => {
      const q = await actions.queueStatus();
      return !q.paused && !q.draining
        ? { passed: true, message: `Running: ${queueLine(q)}` }
        : { passed: false, message: `Still held: ${queueLine(q)}` };
    },
  },
  rollback: {
    description: 'Pause the queue again.',
    run: async ({ actions }) => {
      const q = await actions.pauseQueue();
      return { summary: `Queue paused again: ${queueLine(q)}` };
    },
  },
};
