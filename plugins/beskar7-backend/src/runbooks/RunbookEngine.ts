import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  DiagnosticsReport,
  RunbookRun,
  RunbookStepInput,
  RunbookStepSummary,
  RunbookSummary,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { FleetFacts } from '../diagnostics';
import { executeStep } from './executeStep';
import { resolveParameters } from './parameters';
import { RunbookActions } from './ports';
import {
  RollbackRecord,
  RunbookRunStore,
  RunPatch,
  StepResultPatch,
  StoredRun,
} from './RunbookRunStore';
import { AuditedStep, StepAudit } from './stepAudit';
import { toRunbookSummary } from './summary';
import { RunbookDefinition, RunbookStep, StepContext } from './types';

export interface RunbookEngineOptions {
  knex: Knex;
  procedures: RunbookDefinition[];
  actions: RunbookActions;
  facts: FleetFacts;
  diagnose(): Promise<DiagnosticsReport>;
  /** Every step attempt, rollback and acknowledgement is an audit event. */
  auditor: AuditorService;
  logger?: LoggerService;
  /** Epoch milliseconds; the step leases are compared on it. */
  now?: () => number;
  /** How long a step may run before it is aborted. */
  stepTimeoutMs?: number;
}

/** Who asks the engine to act, and with which rights. */
export interface StepRequest {
  actor: string;
  /** The caller holds the destructive-runbook permission. */
  allowDestructive?: boolean;
  input?: RunbookStepInput;
}

const OPEN_STATUSES = ['in-progress', 'step-failed'];
/** Time past the step limit before a silent step counts as interrupted. */
const LEASE_MARGIN_MS = 60_000;

/**
 * Runs guided runbooks step by step, one step per call, and keeps every
 * attempt in the database. Any replica can continue a run: a step is taken
 * under a lease on the run row, and a replica that lost the lease cannot
 * record its result. Permission checks stay with the caller, which passes
 * `allowDestructive`; the engine refuses destructive steps without it.
 */
export class RunbookEngine {
  private readonly store: RunbookRunStore;
  private readonly byId: Map<string, RunbookDefinition>;
  private readonly now: () => number;
  private readonly stepTimeoutMs: number;
  private readonly audit: StepAudit;

  constructor(private readonly options: RunbookEngineOptions) {
    this.store = new RunbookRunStore(options.knex);
    this.audit = new StepAudit(options.auditor);
    this.byId = new Map(options.procedures.map(p => [p.id, p]));
    if (this.byId.size !== options.procedures.length) {
      throw new Error('Runbook ids must be unique');
    }
    this.now = options.now ?? Date.now;
    this.stepTimeoutMs = options.stepTimeoutMs ?? 10 * 60_000;
  }

  listRunbooks(): RunbookSummary[] {
    return this.options.procedures.map(toRunbookSummary);
  }

  getRunbook(id: string): RunbookSummary {
    return toRunbookSummary(this.definition(id));
  }

  /** The step `next` would run, for the caller's permission check; undefined when the run is over. */
  pendingStep(run: RunbookRun): RunbookStepSummary | undefined {
    if (!OPEN_STATUSES.includes(run.status)) return undefined;
    return this.getRunbook(run.runbookId).steps[run.nextStepIndex];
  }

  async start(request: {
    runbookId: string;
    actor: string;
    dryRun?: boolean;
    parameters?: Record<string, unknown>;
  }): Promise<RunbookRun> {
    const definition = this.definition(request.runbookId);
    const parameters = resolveParameters(
      definition.parameters,
      request.parameters,
    );
    const id = randomUUID();
    await this.store.create({
      id,
      runbookId: definition.id,
      dryRun: Boolean(request.dryRun),
      startedBy: request.actor,
      parameters,
      nowMs: this.now(),
    });
    this.options.logger?.info(
      `Runbook ${definition.id} run ${id} started by ${request.actor}${
        request.dryRun ? ' (dry run)' : ''
      }`,
    );
    return this.getRun(id);
  }

  async getRun(runId: string): Promise<RunbookRun> {
    return (await this.load(runId)).run;
  }

  listRuns(
    filter: { runbookId?: string; limit?: number; offset?: number } = {},
  ) {
    return this.store.list({
      runbookId: filter.runbookId,
      limit: Math.min(filter.limit ?? 50, 500),
      offset: filter.offset ?? 0,
    });
  }

  /** Runs the next step, or the failed one again. */
  async next(runId: string, request: StepRequest): Promise<RunbookRun> {
    const stored = await this.load(runId);
    const { run } = stored;
    this.assertOpen(run);
    const definition = this.definition(run.runbookId);
    const index = run.nextStepIndex;
    const step = definition.steps[index];
    const audit = await this.audit.attempt(
      this.audited(run, step, index, request.actor),
    );
    try {
      await this.runStep(stored, step, request, audit.end);
    } catch (error) {
      await audit.refused(error);
      throw error;
    }
    return this.getRun(runId);
  }

  private async runStep(
    stored: StoredRun,
    step: RunbookStep,
    request: StepRequest,
    audited: (result: StepResultPatch & { attempt: number }) => Promise<void>,
  ): Promise<void> {
    const { run } = stored;
    const runId = run.id;
    const index = run.nextStepIndex;
    if (step.destructive && !run.dryRun && !request.allowDestructive) {
      throw new NotAllowedError(
        `Step "${step.title}" is destructive and needs the beskar7.runbook.destructive permission`,
      );
    }
    const needsVerdict =
      step.kind === 'manual' &&
      !step.verification.check &&
      !(run.dryRun && step.mutates);
    if (needsVerdict && !request.input?.verdict) {
      throw new InputError(
        `Step "${step.title}" is manual: give the verdict (pass or fail) once it is done`,
      );
    }

    const claim = await this.claim(stored);
    const attempt = run.steps.filter(s => s.stepIndex === index).length + 1;
    // Steps an interrupted claim left running are marked by the claim; count them as attempts.
    try {
      await this.store.beginStep(
        runId,
        { stepIndex: index, stepId: step.id, attempt, actor: request.actor },
        this.now(),
      );
    } catch (error) {
      await this.store.release(runId, claim, { nowMs: this.now() });
      throw error;
    }

    const signal = AbortSignal.timeout(this.stepTimeoutMs);
    const result = await executeStep(step, this.context(run, signal), request);
    const advanced = result.status === 'passed' || result.status === 'skipped';
    const written = await this.store.release(runId, claim, {
      nowMs: this.now(),
      run: advanced
        ? this.advance(this.definition(run.runbookId), index)
        : { status: 'step-failed', nextStepIndex: index, finished: false },
      step: { stepIndex: index, attempt, result },
    });
    if (!written) {
      throw new ConflictError(
        `Run ${runId} was taken over while step "${step.id}" ran; this attempt was not recorded`,
      );
    }
    await audited({ ...result, attempt });
    this.options.logger?.info(
      `Runbook run ${runId} step ${step.id} attempt ${attempt} by ${request.actor}: ${result.status}`,
    );
  }

  /**
   * Continues a stored run (after a restart, or from another replica): runs
   * automated steps until one fails, a manual or a destructive step the
   * caller may not run is next, or the run ends.
   */
  async resume(runId: string, request: StepRequest): Promise<RunbookRun> {
    let run = await this.getRun(runId);
    const definition = this.definition(run.runbookId);
    for (;;) {
      if (run.status !== 'in-progress') return run;
      const step = definition.steps[run.nextStepIndex];
      const skipped = run.dryRun && step.mutates;
      if (step.kind === 'manual' && !skipped) return run;
      if (step.destructive && !run.dryRun && !request.allowDestructive) {
        return run;
      }
      run = await this.next(runId, { ...request, input: undefined });
    }
  }

  /** Accepts a failed step and moves on; the failure stays in the history with the note. */
  async acknowledge(
    runId: string,
    request: { actor: string; note: string },
  ): Promise<RunbookRun> {
    const stored = await this.load(runId);
    const { run } = stored;
    if (run.status !== 'step-failed') {
      throw new ConflictError(`Run ${runId} has no failed step to acknowledge`);
    }
    const definition = this.definition(run.runbookId);
    const last = run.steps
      .filter(s => s.stepIndex === run.nextStepIndex)
      .at(-1)!;
    const claim = await this.claim(stored);
    await this.write(runId, claim, {
      run: this.advance(definition, run.nextStepIndex),
      step: {
        stepIndex: last.stepIndex,
        attempt: last.attempt,
        result: {
          status: 'acknowledged',
          note: `${request.actor}: ${request.note}`,
        },
      },
    });
    await this.audit.acknowledged(
      this.audited(
        run,
        definition.steps[last.stepIndex],
        last.stepIndex,
        request.actor,
      ),
      request.note,
    );
    return this.getRun(runId);
  }

  /**
   * Undoes the run so far, newest step first: the failed step and every
   * earlier step that changed the system. Automated rollbacks run; the
   * others are recorded as instructions for the operator. Stops at the first
   * rollback that fails.
   */
  async rollback(
    runId: string,
    request: { actor: string },
  ): Promise<RunbookRun> {
    const stored = await this.load(runId);
    const { run } = stored;
    this.assertOpen(run);
    const definition = this.definition(run.runbookId);
    const claim = await this.claim(stored);
    const latest = new Map(run.steps.map(s => [s.stepIndex, s]));
    const context = this.context(run, AbortSignal.timeout(this.stepTimeoutMs));
    const rollbacks: RollbackRecord[] = [];
    let failed = false;
    for (let index = run.nextStepIndex; index >= 0 && !failed; index--) {
      const result = latest.get(index);
      const step = definition.steps[index];
      if (
        !result ||
        !step.mutates ||
        ['skipped', 'running'].includes(result.status)
      ) {
        continue;
      }
      const record = {
        stepIndex: index,
        attempt: result.attempt,
        actor: request.actor,
      };
      if (!step.rollback.run) {
        rollbacks.push({
          ...record,
          status: 'manual',
          summary: step.rollback.description,
        });
        continue;
      }
      try {
        const outcome = await step.rollback.run(context);
        rollbacks.push({
          ...record,
          status: 'rolled-back',
          summary: outcome.summary,
        });
      } catch (error) {
        failed = true;
        rollbacks.push({
          ...record,
          status: 'rollback-failed',
          summary: `${
            error instanceof Error ? error.message : error
          }; do it by hand: ${step.rollback.description}`,
        });
      }
    }
    await this.write(runId, claim, {
      run: {
        status: failed ? 'rollback-failed' : 'rolled-back',
        nextStepIndex: run.nextStepIndex,
        finished: true,
      },
      rollbacks,
    });
    for (const record of rollbacks) {
      await this.audit.rollback(
        this.audited(
          run,
          definition.steps[record.stepIndex],
          record.stepIndex,
          request.actor,
        ),
        record,
      );
    }
    this.options.logger?.info(
      `Runbook run ${runId} rolled back by ${request.actor}: ${
        failed ? 'failed' : 'done'
      }`,
    );
    return this.getRun(runId);
  }

  async abort(runId: string, request: { actor: string }): Promise<RunbookRun> {
    const stored = await this.load(runId);
    this.assertOpen(stored.run);
    const claim = await this.claim(stored);
    await this.write(runId, claim, {
      run: {
        status: 'aborted',
        nextStepIndex: stored.run.nextStepIndex,
        finished: true,
      },
    });
    this.options.logger?.info(
      `Runbook run ${runId} aborted by ${request.actor}`,
    );
    return this.getRun(runId);
  }

  private audited(
    run: RunbookRun,
    step: RunbookStep,
    stepIndex: number,
    actor: string,
  ): AuditedStep {
    return {
      actor,
      runId: run.id,
      runbookId: run.runbookId,
      stepId: step.id,
      stepIndex,
      dryRun: run.dryRun,
      destructive: Boolean(step.destructive),
    };
  }

  private definition(id: string): RunbookDefinition {
    const definition = this.byId.get(id);
    if (!definition) throw new NotFoundError(`No runbook ${id}`);
    return definition;
  }

  private async load(runId: string): Promise<StoredRun> {
    const stored = await this.store.get(runId);
    if (!stored) throw new NotFoundError(`No runbook run ${runId}`);
    return stored;
  }

  private assertOpen(run: RunbookRun) {
    if (!OPEN_STATUSES.includes(run.status)) {
      throw new ConflictError(`Run ${run.id} is ${run.status}`);
    }
  }

  private async claim(stored: StoredRun): Promise<number> {
    const claim = await this.store.claim(stored.run.id, stored.version, {
      nowMs: this.now(),
      leaseMs: this.stepTimeoutMs + LEASE_MARGIN_MS,
    });
    if (claim === undefined) {
      throw new ConflictError(
        `Run ${stored.run.id} is being advanced elsewhere; reload it and try again`,
      );
    }
    return claim;
  }

  private async write(
    runId: string,
    claim: number,
    change: Omit<Parameters<RunbookRunStore['release']>[2], 'nowMs'>,
  ) {
    if (
      !(await this.store.release(runId, claim, {
        ...change,
        nowMs: this.now(),
      }))
    ) {
      throw new ConflictError(
        `Run ${runId} was taken over; nothing was recorded`,
      );
    }
  }

  private advance(definition: RunbookDefinition, index: number): RunPatch {
    const next = index + 1;
    const done = next >= definition.steps.length;
    return {
      status: done ? 'completed' : 'in-progress',
      nextStepIndex: next,
      finished: done,
    };
  }

  private context(run: RunbookRun, signal: AbortSignal): StepContext {
    const earlier: Record<string, unknown> = {};
    for (const s of run.steps)
      if (s.data !== undefined) earlier[s.stepId] = s.data;
    return {
      parameters: run.parameters,
      actions: this.options.actions,
      facts: this.options.facts,
      diagnose: this.options.diagnose,
      dryRun: run.dryRun,
      signal,
      earlier,
      sleep: ms => delay(ms, undefined, { signal }),
    };
  }
}
