import {
  RunbookRun,
  RunbookRunStatus,
  RunbookStepResult,
  StepResultStatus,
  StepRollbackStatus,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';

export const RUNS_TABLE = 'beskar7_runbook_runs';
export const STEP_RESULTS_TABLE = 'beskar7_runbook_step_results';

/** A run with the row version a change must be conditioned on. */
export interface StoredRun {
  run: RunbookRun;
  version: number;
  /** Set while a step is in flight. */
  leaseExpiresAtMs?: number;
}

/** What finishing a step (or a rollback, or an acknowledgement) writes to the run. */
export interface RunPatch {
  status: RunbookRunStatus;
  nextStepIndex: number;
  finished: boolean;
}

/** The outcome of one attempt, as written when it ends. */
export interface StepResultPatch {
  status: StepResultStatus;
  summary?: string;
  data?: unknown;
  error?: string;
  verification?: { passed: boolean; message: string };
  note?: string;
}

export interface RollbackRecord {
  stepIndex: number;
  attempt: number;
  status: StepRollbackStatus;
  actor: string;
  summary: string;
}

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function toStepResult(row: any): RunbookStepResult {
  return {
    stepIndex: row.step_index,
    stepId: row.step_id,
    attempt: row.attempt,
    status: row.status,
    actor: row.actor,
    startedAt: iso(row.started_at_ms),
    finishedAt:
      row.finished_at_ms === null ? undefined : iso(row.finished_at_ms),
    summary: opt(row.summary),
    data: row.data === null ? undefined : JSON.parse(row.data),
    error: opt(row.error),
    verification:
      row.verification_passed === null
        ? undefined
        : {
            passed: Boolean(row.verification_passed),
            message: row.verification_message ?? '',
          },
    note: opt(row.note),
    rollback:
      row.rollback_status === null
        ? undefined
        : {
            status: row.rollback_status,
            actor: row.rollback_actor,
            at: iso(row.rollback_at_ms),
            summary: row.rollback_summary ?? '',
          },
  };
}

/** Columns of a result patch; fields left out keep their value (an acknowledgement keeps the failure). */
function resultColumns(result: StepResultPatch, nowMs: number) {
  const columns: Record<string, unknown> = { status: result.status };
  if (result.status !== 'acknowledged') columns.finished_at_ms = nowMs;
  if (result.summary !== undefined) columns.summary = result.summary;
  if (result.data !== undefined) columns.data = JSON.stringify(result.data);
  if (result.error !== undefined) columns.error = result.error;
  if (result.verification) {
    columns.verification_passed = result.verification.passed;
    columns.verification_message = result.verification.message;
  }
  if (result.note !== undefined) columns.note = result.note;
  return columns;
}

function toStoredRun(row: any, steps: RunbookStepResult[]): StoredRun {
  return {
    version: row.version,
    leaseExpiresAtMs:
      row.lease_expires_at_ms === null
        ? undefined
        : Number(row.lease_expires_at_ms),
    run: {
      id: row.id,
      runbookId: row.runbook_id,
      status: row.status,
      dryRun: Boolean(row.dry_run),
      startedBy: row.started_by,
      parameters: JSON.parse(row.parameters),
      nextStepIndex: row.next_step_index,
      createdAt: iso(row.created_at_ms),
      updatedAt: iso(row.updated_at_ms),
      finishedAt:
        row.finished_at_ms === null ? undefined : iso(row.finished_at_ms),
      steps,
    },
  };
}

/**
 * Runbook runs and their step results. Every change to a run is conditioned
 * on the version it was read at, so a replica that lost its claim (it was
 * slow, or presumed dead) can no longer write.
 */
export class RunbookRunStore {
  constructor(private readonly knex: Knex) {}

  async create(run: {
    id: string;
    runbookId: string;
    dryRun: boolean;
    startedBy: string;
    parameters: RunbookRun['parameters'];
    nowMs: number;
  }): Promise<void> {
    await this.knex(RUNS_TABLE).insert({
      id: run.id,
      runbook_id: run.runbookId,
      status: 'in-progress',
      dry_run: run.dryRun,
      started_by: run.startedBy,
      parameters: JSON.stringify(run.parameters),
      next_step_index: 0,
      version: 0,
      created_at_ms: run.nowMs,
      updated_at_ms: run.nowMs,
    });
  }

  async get(id: string): Promise<StoredRun | undefined> {
    const row = await this.knex(RUNS_TABLE).where({ id }).first();
    if (!row) return undefined;
    const steps = await this.knex(STEP_RESULTS_TABLE)
      .where({ run_id: id })
      .orderBy('id');
    return toStoredRun(row, steps.map(toStepResult));
  }

  /** Newest first, with their step results. */
  async list(filter: {
    runbookId?: string;
    limit: number;
    offset: number;
  }): Promise<{ runs: RunbookRun[]; totalCount: number }> {
    const base = this.knex(RUNS_TABLE).modify(q => {
      if (filter.runbookId) q.where({ runbook_id: filter.runbookId });
    });
    const [rows, [{ count }]] = await Promise.all([
      base
        .clone()
        .orderBy([
          { column: 'created_at_ms', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(filter.limit)
        .offset(filter.offset),
      base.clone().count({ count: '*' }),
    ]);
    const steps = rows.length
      ? await this.knex(STEP_RESULTS_TABLE)
          .whereIn(
            'run_id',
            rows.map((r: { id: string }) => r.id),
          )
          .orderBy('id')
      : [];
    const byRun = new Map<string, RunbookStepResult[]>();
    for (const s of steps) {
      byRun.set(s.run_id, [...(byRun.get(s.run_id) ?? []), toStepResult(s)]);
    }
    return {
      runs: rows.map((r: any) => toStoredRun(r, byRun.get(r.id) ?? []).run),
      totalCount: Number(count),
    };
  }

  /**
   * Takes the run for one change if it is still at `version` and no live
   * lease holds it. A step left `running` under a lapsed lease is marked
   * interrupted. Returns the version the change must finish with, or
   * undefined when someone else changed or holds the run.
   */
  async claim(
    runId: string,
    version: number,
    options: { nowMs: number; leaseMs: number },
  ): Promise<number | undefined> {
    return this.knex.transaction(async trx => {
      const updated = await trx(RUNS_TABLE)
        .where({ id: runId, version })
        .andWhere(q =>
          q
            .whereNull('lease_expires_at_ms')
            .orWhere('lease_expires_at_ms', '<=', options.nowMs),
        )
        .update({
          version: version + 1,
          lease_expires_at_ms: options.nowMs + options.leaseMs,
          updated_at_ms: options.nowMs,
        });
      if (updated !== 1) return undefined;
      await trx(STEP_RESULTS_TABLE)
        .where({ run_id: runId, status: 'running' })
        .update({
          status: 'interrupted',
          finished_at_ms: options.nowMs,
          error: 'The replica running this step stopped before it finished',
        });
      return version + 1;
    });
  }

  /** Records the start of an attempt under a claim. */
  async beginStep(
    runId: string,
    step: { stepIndex: number; stepId: string; attempt: number; actor: string },
    nowMs: number,
  ): Promise<void> {
    await this.knex(STEP_RESULTS_TABLE).insert({
      run_id: runId,
      step_index: step.stepIndex,
      step_id: step.stepId,
      attempt: step.attempt,
      status: 'running',
      actor: step.actor,
      started_at_ms: nowMs,
    });
  }

  /**
   * Ends a claim: writes the attempt's result (if any), the rollbacks (if
   * any) and the run's new position, all or nothing. False when the claim
   * was lost, in which case nothing is written.
   */
  async release(
    runId: string,
    claimVersion: number,
    change: {
      nowMs: number;
      run?: RunPatch;
      step?: { stepIndex: number; attempt: number; result: StepResultPatch };
      rollbacks?: RollbackRecord[];
    },
  ): Promise<boolean> {
    return this.knex.transaction(async trx => {
      const updated = await trx(RUNS_TABLE)
        .where({ id: runId, version: claimVersion })
        .update({
          version: claimVersion + 1,
          lease_expires_at_ms: null,
          updated_at_ms: change.nowMs,
          ...(change.run && {
            status: change.run.status,
            next_step_index: change.run.nextStepIndex,
            finished_at_ms: change.run.finished ? change.nowMs : null,
          }),
        });
      if (updated !== 1) return false;
      if (change.step) {
        const { result } = change.step;
        await trx(STEP_RESULTS_TABLE)
          .where({
            run_id: runId,
            step_index: change.step.stepIndex,
            attempt: change.step.attempt,
          })
          .update(resultColumns(result, change.nowMs));
      }
      for (const r of change.rollbacks ?? []) {
        await trx(STEP_RESULTS_TABLE)
          .where({ run_id: runId, step_index: r.stepIndex, attempt: r.attempt })
          .update({
            rollback_status: r.status,
            rollback_actor: r.actor,
            rollback_at_ms: change.nowMs,
            rollback_summary: r.summary,
          });
      }
      return true;
    });
  }
}
