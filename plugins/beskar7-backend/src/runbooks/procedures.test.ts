import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROCEDURES } from './procedures';
import { claimConflicts } from './procedures/claimConflicts';
import { bmcJobStats, queueBacklog } from './procedures/queueBacklog';
import { capacityWarnings } from './procedures/capacityPlanning';
import { configDifferences } from './procedures/configurationChange';
import { toRunbookSummary } from './summary';
import { AutomatedStep, ManualStep, StepContext } from './types';

const guide = readFileSync(
  join(__dirname, '..', '..', '..', '..', 'docs', 'runbooks.md'),
  'utf8',
);

describe('shipped procedures', () => {
  it('ships the 13 procedures of the issue with unique ids', () => {
    expect(PROCEDURES.map(p => p.id)).toEqual([
      'quick-health-check',
      'claim-conflicts',
      'queue-backlog',
      'leader-election-instability',
      'performance-degradation',
      'bmc-connectivity',
      'split-brain-recovery',
      'queue-drain-reset',
      'host-state-recovery',
      'capacity-planning',
      'configuration-change',
      'maintenance',
      'incident-response',
    ]);
  });

  it.each(PROCEDURES.map(p => [p.id, p] as const))(
    '%s is complete and linked both ways with its guide',
    (id, procedure) => {
      expect(procedure.symptoms.length).toBeGreaterThan(0);
      expect(procedure.steps.length).toBeGreaterThan(0);
      expect(new Set(procedure.steps.map(s => s.id)).size).toBe(
        procedure.steps.length,
      );
      const problems = procedure.steps.flatMap(step =>
        [
          !step.risk.description && 'risk without words',
          !step.verification.description && 'verification without words',
          !step.rollback.description && 'rollback without words',
          // Destructive means a change with a high risk.
          step.destructive && !step.mutates && 'destructive but not mutating',
          step.destructive &&
            step.risk.level !== 'high' &&
            'destructive below high risk',
          step.kind === 'automated' &&
            typeof step.verification.check !== 'function' &&
            'automated without a check',
        ]
          .filter(Boolean)
          .map(problem => `${step.id}: ${problem}`),
      );
      expect(problems).toEqual([]);
      expect(toRunbookSummary(procedure).guide).toBe(`docs/runbooks.md#${id}`);
      expect(guide).toContain(`<a id="${id}"></a>`);
      expect(guide).toContain(`(/beskar7/runbooks/${id})`);
    },
  );

  it('marks the steps that drop claims or leases as destructive', () => {
    const destructive = PROCEDURES.flatMap(p =>
      p.steps.filter(s => s.destructive).map(s => `${p.id}/${s.id}`),
    );
    expect(destructive).toEqual([
      'split-brain-recovery/clear-leases',
      'host-state-recovery/recover',
    ]);
  });

  it('gives each BMC layer its own step', () => {
    const bmc = PROCEDURES.find(p => p.id === 'bmc-connectivity')!;
    expect(bmc.steps.map(s => s.id)).toEqual([
      'circuit',
      'dns',
      'tcp',
      'tls',
      'service-root',
      'authentication',
      'systems',
      'fix-and-recover',
    ]);
  });
});

describe('procedure logic', () => {
  it('finds the config keys not in effect', () => {
    expect(
      configDifferences(
        { provisioning: { maxConcurrentOps: 10, workerCount: 4 } },
        { provisioning: { maxConcurrentOps: 10, workerCount: 2, x: 1 } },
      ),
    ).toEqual(['provisioning.workerCount']);
    expect(configDifferences({ a: { b: 1 } }, {})).toEqual(['a.b']);
  });

  it('warns at 80% utilisation of pools, queue and slots', () => {
    const pool = (name: string, utilisation: number) => ({
      pool: name,
      total: 10,
      utilisation,
      byState: { Available: 10 - utilisation * 10 } as any,
    });
    const queue = {
      length: 80,
      maxQueueSize: 100,
      processing: 3,
      maxConcurrentOps: 4,
      workerCount: 4,
      paused: false,
      draining: false,
      cooldowns: [],
    };
    expect(capacityWarnings([pool('a', 0.8), pool('b', 0.7)], queue)).toEqual([
      'pool a at 80% (2 Available of 10)',
      'queue at 80% of maxQueueSize 100',
    ]);
    expect(
      capacityWarnings([], { ...queue, length: 79, processing: 4 }),
    ).toEqual(['4 of 4 concurrency slots busy']);
  });

  it('judges the queue status by what waits, never calling an idle queue busy', async () => {
    const step = queueBacklog.steps[0] as AutomatedStep;
    const status = {
      length: 0,
      maxQueueSize: 50,
      processing: 0,
      maxConcurrentOps: 4,
      workerCount: 4,
      paused: false,
      draining: false,
      cooldowns: [],
    };
    const verdict = async (q: typeof status) =>
      step.verification.check({} as StepContext, { summary: '', data: q });
    await expect(verdict(status)).resolves.toEqual({
      passed: true,
      message: 'No job is waiting',
    });
    await expect(
      verdict({ ...status, length: 9, processing: 4 }),
    ).resolves.toMatchObject({
      passed: true,
      message: /^Every concurrency slot/,
    });
    await expect(verdict({ ...status, length: 9 })).resolves.toMatchObject({
      passed: true,
      message: /^Workers are idle while jobs wait/,
    });
    await expect(verdict({ ...status, paused: true })).resolves.toMatchObject({
      passed: false,
    });
  });

  it('judges the conflict rate after the tags only on enough attempts', async () => {
    const step = claimConflicts.steps.find(
      s => s.id === 'spread-with-tags',
    ) as ManualStep;
    const verdict = async (total: number, hits: number) =>
      step.verification.check!({
        facts: { claimConflictRate: async () => ({ total, hits }) },
      } as unknown as StepContext);
    await expect(verdict(7, 5)).resolves.toMatchObject({
      passed: true,
      message: expect.stringMatching(/^Only 7 attempts in the window/),
    });
    await expect(verdict(40, 20)).resolves.toMatchObject({ passed: false });
    await expect(verdict(40, 2)).resolves.toMatchObject({ passed: true });
  });

  it('summarises jobs per BMC', () => {
    const job = (bmcAddress: string, minutes: number, failed = false) => ({
      id: 'j',
      hostId: 'h',
      operation: 'provision' as const,
      bmcAddress,
      status: failed ? ('failed' as const) : ('succeeded' as const),
      attempt: 1,
      maxAttempts: 3,
      notBefore: '',
      createdAt: '',
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: new Date(
        Date.parse('2026-01-01T00:00:00Z') + minutes * 60_000,
      ).toISOString(),
    });
    expect(bmcJobStats([job('a', 2), job('a', 12, true), job('b', 1)])).toEqual(
      [
        { bmcAddress: 'a', jobs: 2, failed: 1, slowestMs: 12 * 60_000 },
        { bmcAddress: 'b', jobs: 1, failed: 0, slowestMs: 60_000 },
      ],
    );
  });
});
