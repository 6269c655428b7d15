import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { AuditorService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { Knex } from 'knex';
import { applyDatabaseMigrations } from '../database/migrations';
import { DiagnosticsService } from '../diagnostics';
import { insertHosts } from '@beskar7/backend-testing/queue';
import {
  createTestDatabases,
  DATABASE_IDS,
} from '@beskar7/backend-testing/database';
import { PROCEDURES } from './procedures';
import { RunbookEngine } from './RunbookEngine';
import { RunbookDefinition } from './types';
import {
  LiveFleet,
  seenAuditEvents,
  startLiveFleet,
} from '@beskar7/backend-testing/runbooks';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const OPS = 'user:default/ops';

const statuses = (run: { steps: Array<{ stepId: string; status: string }> }) =>
  run.steps.map(s => `${s.stepId}:${s.status}`);

describe.each(DATABASE_IDS)('RunbookEngine on %s', databaseId => {
  let knex: Knex;
  let fleet: LiveFleet;

  function engine(
    options: {
      procedures?: RunbookDefinition[];
      now?: () => number;
      auditor?: AuditorService;
    } = {},
  ) {
    return new RunbookEngine({
      knex,
      procedures: options.procedures ?? PROCEDURES,
      actions: fleet.actions,
      facts: fleet.facts,
      diagnose: () => new DiagnosticsService(fleet.facts).report(),
      auditor: options.auditor ?? mockServices.auditor.mock(),
      now: options.now,
    });
  }

  beforeEach(async () => {
    knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    fleet = startLiveFleet(knex);
  });

  afterEach(async () => {
    await fleet.stop();
  });

  it('repairs a host that failed inspection on purpose, step by step', async () => {
    const [broken] = await insertHosts(knex, { count: 1, state: 'Enrolling' });
    fleet.executor.failHost(broken.id, 'Redfish 503: virtual media busy');
    await eventually(
      async () => (await fleet.hosts.get(broken.id))?.state,
      state => state === 'Error',
      { what: 'the host to fail inspection', timeoutMs: 20_000 },
    );
    const report = await new DiagnosticsService(fleet.facts).report();
    expect(report.checks.find(c => c.id === 'hosts-in-error')).toMatchObject({
      status: 'error',
      runbookId: 'host-state-recovery',
    });

    const runbooks = engine();
    let run = await runbooks.start({
      runbookId: 'host-state-recovery',
      actor: OPS,
      parameters: { hostId: broken.id, waitSeconds: 30 },
    });
    expect(run).toMatchObject({
      status: 'in-progress',
      dryRun: false,
      startedBy: OPS,
      parameters: { hostId: broken.id, waitSeconds: 30 },
    });

    run = await runbooks.next(run.id, { actor: OPS });
    expect(run.steps[0]).toMatchObject({
      stepId: 'read-error',
      status: 'passed',
      actor: OPS,
      verification: { passed: true },
    });
    expect(run.steps[0].summary).toMatch(/is Error: .*virtual media busy/);

    // The manual step needs the operator's verdict.
    await expect(runbooks.next(run.id, { actor: OPS })).rejects.toThrow(
      InputError,
    );
    fleet.executor.heal(broken.id);
    run = await runbooks.next(run.id, {
      actor: OPS,
      input: { verdict: 'pass', note: 'BMC reset, media detached' },
    });
    expect(run.steps[1]).toMatchObject({
      status: 'passed',
      note: 'BMC reset, media detached',
    });

    // Recovery drops a claim: it needs the destructive permission.
    expect(runbooks.pendingStep(run)).toMatchObject({
      id: 'recover',
      destructive: true,
    });
    await expect(runbooks.next(run.id, { actor: OPS })).rejects.toThrow(
      NotAllowedError,
    );
    expect((await runbooks.getRun(run.id)).steps).toHaveLength(2);
    run = await runbooks.next(run.id, { actor: OPS, allowDestructive: true });
    expect(run.steps[2]).toMatchObject({ stepId: 'recover', status: 'passed' });

    run = await runbooks.next(run.id, { actor: OPS });
    expect(run.steps[3]).toMatchObject({
      stepId: 'verify-enrollment',
      status: 'passed',
      verification: { passed: true },
    });
    expect(run.status).toBe('completed');
    expect(run.finishedAt).toBeDefined();
    expect((await fleet.hosts.get(broken.id))?.state).toBe('Available');
    for (const step of run.steps) {
      expect(Date.parse(step.finishedAt!)).toBeGreaterThanOrEqual(
        Date.parse(step.startedAt),
      );
    }
    await expect(runbooks.next(run.id, { actor: OPS })).rejects.toThrow(
      ConflictError,
    );
  });

  it('changes nothing in a dry run and still runs the reads', async () => {
    const [host] = await insertHosts(knex, { count: 1, state: 'Error' });
    const eventsBefore = await fleet.hosts.listEvents(host.id);
    const runbooks = engine();
    const started = await runbooks.start({
      runbookId: 'host-state-recovery',
      actor: OPS,
      dryRun: true,
      parameters: { hostId: host.id, waitSeconds: 0 },
    });
    // A dry run needs neither verdicts nor the destructive permission.
    const run = await runbooks.resume(started.id, { actor: OPS });
    expect(statuses(run)).toEqual([
      'read-error:passed',
      'fix-cause:skipped',
      'recover:skipped',
      'verify-enrollment:failed',
    ]);
    expect(run.steps[2].summary).toMatch(
      /^Dry run: would Error -> Deprovisioning/,
    );
    expect(run.status).toBe('step-failed');
    expect(await fleet.hosts.get(host.id)).toMatchObject({ state: 'Error' });
    expect(await fleet.hosts.listEvents(host.id)).toEqual(eventsBefore);

    const queueBefore = await fleet.queue.status();
    const drain = await runbooks.start({
      runbookId: 'queue-drain-reset',
      actor: OPS,
      dryRun: true,
      parameters: { waitSeconds: 0 },
    });
    const drained = await runbooks.resume(drain.id, { actor: OPS });
    expect(drained.status).toBe('completed');
    expect(statuses(drained)).toEqual([
      'drain:skipped',
      'wait-empty:passed',
      'pause-queue:skipped',
      'reset-limits:skipped',
      'resume-queue:skipped',
    ]);
    expect(await fleet.queue.status()).toEqual(queueBefore);
  });

  it('resumes a queue paused on purpose with the drain-and-reset runbook', async () => {
    await fleet.queue.drain();
    await fleet.queue.pause();
    const diagnosis = await new DiagnosticsService(fleet.facts).report();
    const check = diagnosis.checks.find(c => c.id === 'queue-length');
    expect(check?.runbookId).toBe('queue-drain-reset');

    const runbooks = engine();
    let run = await runbooks.start({
      runbookId: 'queue-drain-reset',
      actor: OPS,
      parameters: { waitSeconds: 5 },
    });
    run = await runbooks.resume(run.id, { actor: OPS });
    // Stops at the manual step.
    expect(statuses(run)).toEqual([
      'drain:passed',
      'wait-empty:passed',
      'pause-queue:passed',
    ]);
    expect(runbooks.pendingStep(run)?.kind).toBe('manual');
    run = await runbooks.next(run.id, {
      actor: OPS,
      input: { verdict: 'pass', note: 'limits unchanged' },
    });
    run = await runbooks.resume(run.id, { actor: OPS });
    expect(run.status).toBe('completed');
    expect(await fleet.queue.status()).toMatchObject({
      paused: false,
      draining: false,
    });

    // The queue works again: a new host is inspected.
    const [host] = await insertHosts(knex, { count: 1, state: 'Enrolling' });
    await eventually(
      async () => (await fleet.hosts.get(host.id))?.state,
      state => state === 'Available',
      {
        what: 'the new host to be inspected after the resume',
        timeoutMs: 20_000,
      },
    );
  });

  it('rolls back after a failing step', async () => {
    await fleet.queue.pause();
    // A backlog that takes longer to work off than the steps take to run.
    const hosts = await insertHosts(knex, { count: 40, state: 'Enrolling' });
    await eventually(
      async () => (await fleet.queue.status()).length,
      length => length === hosts.length,
      {
        what: 'the 40 inspections to wait in the paused queue',
        timeoutMs: 20_000,
      },
    );

    const runbooks = engine();
    let run = await runbooks.start({
      runbookId: 'queue-drain-reset',
      actor: OPS,
      parameters: { waitSeconds: 0 },
    });
    run = await runbooks.next(run.id, { actor: OPS });
    expect(run.steps[0].summary).toMatch(/^Draining, pause lifted/);
    // Someone pauses the queue again while the backlog is worked off.
    await fleet.queue.pause();
    run = await runbooks.next(run.id, { actor: OPS });
    expect(run.status).toBe('step-failed');
    expect(statuses(run)).toEqual(['drain:passed', 'wait-empty:failed']);
    expect(run.steps[1].verification?.message).toMatch(/queue is paused/);
    expect(await fleet.queue.status()).toMatchObject({ draining: true });

    run = await runbooks.rollback(run.id, { actor: OPS });
    expect(run.status).toBe('rolled-back');
    expect(run.steps[0].rollback).toMatchObject({
      status: 'rolled-back',
      actor: OPS,
    });
    // wait-empty only read: nothing to roll back.
    expect(run.steps[1].rollback).toBeUndefined();
    expect(await fleet.queue.status()).toMatchObject({
      paused: false,
      draining: false,
    });
    await eventually(
      () =>
        Promise.all(hosts.map(async h => (await fleet.hosts.get(h.id))?.state)),
      states => states.every(state => state === 'Available'),
      {
        what: 'every host of the backlog to be inspected after the rollback',
        timeoutMs: 20_000,
      },
    );
    await expect(runbooks.next(run.id, { actor: OPS })).rejects.toThrow(
      ConflictError,
    );
  });

  it('audits every step attempt, refusal, acknowledgement and rollback', async () => {
    const auditor = mockServices.auditor.mock();
    const runbooks = engine({ auditor });
    const [host] = await insertHosts(knex, { count: 1 });
    let run = await runbooks.start({
      runbookId: 'host-state-recovery',
      actor: OPS,
      parameters: { hostId: host.id, waitSeconds: 1 },
    });
    // The host is not in Error: the first step fails its verification.
    run = await runbooks.next(run.id, { actor: OPS });
    run = await runbooks.acknowledge(run.id, { actor: OPS, note: 'drill' });
    run = await runbooks.next(run.id, {
      actor: 'user:default/alice',
      input: { verdict: 'pass' },
    });
    await expect(runbooks.next(run.id, { actor: OPS })).rejects.toThrow(
      NotAllowedError,
    );
    run = await runbooks.rollback(run.id, { actor: OPS });

    const events = await seenAuditEvents(auditor);
    const step = (stepId: string, actor = OPS) =>
      expect.objectContaining({
        actor,
        runId: run.id,
        runbookId: 'host-state-recovery',
        stepId,
        dryRun: false,
      });
    expect(events).toEqual([
      {
        eventId: 'runbook-step',
        meta: step('read-error'),
        outcome: 'fail',
        result: expect.objectContaining({ attempt: 1, status: 'failed' }),
        error: expect.stringMatching(/is Available.*: nothing to recover/),
      },
      {
        eventId: 'runbook-step-acknowledge',
        meta: expect.objectContaining({ stepId: 'read-error', note: 'drill' }),
        outcome: 'success',
      },
      {
        eventId: 'runbook-step',
        meta: step('fix-cause', 'user:default/alice'),
        outcome: 'success',
        result: expect.objectContaining({ status: 'passed' }),
      },
      {
        eventId: 'runbook-step',
        meta: step('recover'),
        outcome: 'fail',
        error: expect.stringMatching(/destructive/),
      },
      {
        eventId: 'runbook-step-rollback',
        meta: step('fix-cause'),
        outcome: 'success',
        result: { status: 'manual', summary: expect.any(String) },
      },
    ]);
    expect(
      auditor.createEvent.mock.calls.find(
        ([e]) => e.meta?.stepId === 'recover',
      )?.[0].severityLevel,
    ).toBe('high');
  });

  it('records manual rollbacks, and stops at a rollback that fails', async () => {
    let rollbackWorks = true;
    const procedure: RunbookDefinition = {
      id: 'two-changes',
      title: 'Two changes',
      symptoms: [],
      severity: 'info',
      parameters: [],
      steps: [
        {
          id: 'manual-change',
          title: 'Manual change',
          description: 'd',
          kind: 'manual',
          instruction: 'do it',
          mutates: true,
          risk: { level: 'low', description: 'r' },
          verification: { description: 'v' },
          rollback: { description: 'undo it by hand' },
        },
        {
          id: 'automated-change',
          title: 'Automated change',
          description: 'd',
          kind: 'automated',
          mutates: true,
          risk: { level: 'low', description: 'r' },
          run: async () => ({ summary: 'changed' }),
          verification: {
            description: 'v',
            check: () => ({ passed: false, message: 'did not take' }),
          },
          rollback: {
            description: 'revert the setting',
            run: async () => {
              if (rollbackWorks) return { summary: 'reverted' };
              throw new Error('BMC refused');
            },
          },
        },
      ],
    };
    const runbooks = engine({ procedures: [procedure] });
    const failAtSecondStep = async () => {
      const started = await runbooks.start({
        runbookId: 'two-changes',
        actor: OPS,
      });
      await runbooks.next(started.id, {
        actor: OPS,
        input: { verdict: 'pass' },
      });
      const failed = await runbooks.next(started.id, { actor: OPS });
      expect(failed.status).toBe('step-failed');
      return failed.id;
    };
    let run = await runbooks.rollback(await failAtSecondStep(), { actor: OPS });
    expect(run.status).toBe('rolled-back');
    expect(run.steps.map(s => s.rollback?.status)).toEqual([
      'manual',
      'rolled-back',
    ]);
    expect(run.steps[0].rollback?.summary).toBe('undo it by hand');

    rollbackWorks = false;
    run = await runbooks.rollback(await failAtSecondStep(), { actor: OPS });
    expect(run.status).toBe('rollback-failed');
    expect(run.steps[1].rollback).toMatchObject({
      status: 'rollback-failed',
      summary: 'BMC refused; do it by hand: revert the setting',
    });
    // The rollback stops at the failure: the earlier step is left alone.
    expect(run.steps[0].rollback).toBeUndefined();
  });

  it('retries or acknowledges a failed step', async () => {
    let healthy = false;
    const procedure: RunbookDefinition = {
      id: 'flaky',
      title: 'Flaky',
      symptoms: [],
      severity: 'info',
      parameters: [],
      steps: ['one', 'two'].map(id => ({
        id,
        title: id,
        description: id,
        kind: 'automated' as const,
        mutates: false,
        risk: { level: 'none' as const, description: 'reads' },
        run: async () => ({ summary: healthy ? 'fine' : 'broken' }),
        verification: {
          description: 'fine',
          check: (_: unknown, o: { summary: string }) => ({
            passed: o.summary === 'fine',
            message: o.summary,
          }),
        },
        rollback: { description: 'nothing' },
      })),
    };
    const runbooks = engine({ procedures: [procedure] });
    let run = await runbooks.start({ runbookId: 'flaky', actor: OPS });
    run = await runbooks.next(run.id, { actor: OPS });
    expect(run.status).toBe('step-failed');
    healthy = true;
    run = await runbooks.next(run.id, { actor: 'user:default/other' });
    expect(
      run.steps.map(s => [s.stepId, s.attempt, s.status, s.actor]),
    ).toEqual([
      ['one', 1, 'failed', OPS],
      ['one', 2, 'passed', 'user:default/other'],
    ]);
    healthy = false;
    run = await runbooks.next(run.id, { actor: OPS });
    run = await runbooks.acknowledge(run.id, {
      actor: OPS,
      note: 'known, ticket 42',
    });
    expect(run.status).toBe('completed');
    expect(run.steps[2]).toMatchObject({
      status: 'acknowledged',
      note: `${OPS}: known, ticket 42`,
      verification: { passed: false, message: 'broken' },
    });
  });

  it('resumes a run whose replica died mid-step, and fences the dead replica out', async () => {
    let calls = 0;
    let releaseFirst: () => void = () => {};
    const hang = new Promise<void>(resolve => {
      releaseFirst = resolve;
    });
    const procedure: RunbookDefinition = {
      id: 'slow',
      title: 'Slow',
      symptoms: [],
      severity: 'info',
      parameters: [],
      steps: [
        {
          id: 'pause',
          title: 'Pause',
          description: 'pause the queue',
          kind: 'automated',
          mutates: true,
          risk: { level: 'low', description: 'r' },
          run: async ({ actions }) => {
            calls += 1;
            if (calls === 1) await hang;
            await actions.pauseQueue();
            return { summary: `attempt ${calls}` };
          },
          verification: {
            description: 'paused',
            check: async ({ actions }) => ({
              passed: (await actions.queueStatus()).paused,
              message: 'paused?',
            }),
          },
          rollback: { description: 'resume' },
        },
      ],
    };
    let clock = Date.now();
    const now = () => clock;
    const first = engine({ procedures: [procedure], now });
    const run = await first.start({ runbookId: 'slow', actor: OPS });
    const dying = first.next(run.id, { actor: OPS });
    dying.catch(() => {});
    await eventually(
      async () => (await first.getRun(run.id)).steps[0]?.status,
      status => status === 'running',
      {
        what: 'the first replica to start the hanging step',
        timeoutMs: 10_000,
      },
    );

    // While the lease is live nobody else may take the run.
    const restarted = engine({ procedures: [procedure], now });
    await expect(restarted.resume(run.id, { actor: OPS })).rejects.toThrow(
      ConflictError,
    );

    clock += 60 * 60_000;
    const resumed = await restarted.resume(run.id, { actor: OPS });
    expect(resumed.status).toBe('completed');
    expect(statuses(resumed)).toEqual(['pause:interrupted', 'pause:passed']);
    expect(resumed.steps[1]).toMatchObject({
      attempt: 2,
      summary: 'attempt 2',
    });

    releaseFirst();
    await expect(dying).rejects.toThrow(ConflictError);
    expect(await restarted.getRun(run.id)).toEqual(resumed);
  });

  it('validates parameters and lists the run history', async () => {
    const runbooks = engine();
    await expect(
      runbooks.start({ runbookId: 'nope', actor: OPS }),
    ).rejects.toThrow(NotFoundError);
    await expect(
      runbooks.start({ runbookId: 'host-state-recovery', actor: OPS }),
    ).rejects.toThrow('Invalid runbook parameters: hostId: required');
    await expect(
      runbooks.start({
        runbookId: 'incident-response',
        actor: OPS,
        parameters: { severity: 'P0', extra: 1 },
      }),
    ).rejects.toThrow(
      'Invalid runbook parameters: extra: unknown parameter; severity: must be one of P1, P2, P3',
    );
    await expect(runbooks.getRun('missing')).rejects.toThrow(NotFoundError);

    let clock = Date.parse('2026-03-01T00:00:00Z');
    const ticking = engine({ now: () => (clock += 1000) });
    const a = await ticking.start({
      runbookId: 'capacity-planning',
      actor: OPS,
    });
    const b = await ticking.start({
      runbookId: 'quick-health-check',
      actor: OPS,
      dryRun: true,
    });
    await ticking.next(b.id, { actor: OPS });
    const c = await ticking.start({
      runbookId: 'capacity-planning',
      actor: OPS,
    });
    await ticking.abort(c.id, { actor: OPS });

    const all = await ticking.listRuns();
    expect(all.totalCount).toBe(3);
    expect(all.runs.map(r => r.id)).toEqual([c.id, b.id, a.id]);
    expect(all.runs[0].status).toBe('aborted');
    expect(all.runs[1].steps).toHaveLength(1);
    const some = await ticking.listRuns({
      runbookId: 'capacity-planning',
      limit: 1,
    });
    expect(some).toMatchObject({ totalCount: 2, runs: [{ id: c.id }] });
  });
});
