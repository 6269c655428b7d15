import {
  DiagnosticsReport,
  RunbookParameter,
  RunbookSeverity,
  StepRisk,
} from '@beskar7/backstage-plugin-beskar7-common';

/**
 * What a contributed step's code gets. It is the public part of the engine's
 * step context: the engine's own actions stay internal, and a module that
 * needs the fleet depends on `beskar7ServiceRef` itself.
 *
 * @public
 */
export interface Beskar7RunbookStepContext {
  parameters: Record<string, string | number | boolean>;
  dryRun: boolean;
  /** Aborted when the step outlives its time limit. */
  signal: AbortSignal;
  /** `data` of the latest attempt of each earlier step, by step id. */
  earlier: Record<string, unknown>;
  /** Waits, or rejects when `signal` aborts. */
  sleep(ms: number): Promise<void>;
  diagnose(): Promise<DiagnosticsReport>;
}

/** @public */
export interface Beskar7RunbookStepOutcome {
  summary: string;
  data?: unknown;
}

/** @public */
export interface Beskar7RunbookVerdict {
  passed: boolean;
  message: string;
}

interface StepBase {
  id: string;
  title: string;
  description: string;
  risk: StepRisk;
  /** Needs the destructive-runbook permission. */
  destructive?: boolean;
  /** Changes the system: dry runs skip it, rollbacks undo it. */
  mutates: boolean;
  rollback: {
    description: string;
    /** Undoes the step; without it the rollback is the description, for the operator. */
    run?(
      context: Beskar7RunbookStepContext,
    ): Promise<Beskar7RunbookStepOutcome>;
  };
}

/** @public */
export interface Beskar7AutomatedRunbookStep extends StepBase {
  kind: 'automated';
  run(context: Beskar7RunbookStepContext): Promise<Beskar7RunbookStepOutcome>;
  verification: {
    description: string;
    check(
      context: Beskar7RunbookStepContext,
      outcome: Beskar7RunbookStepOutcome,
    ): Beskar7RunbookVerdict | Promise<Beskar7RunbookVerdict>;
  };
}

/** @public */
export interface Beskar7ManualRunbookStep extends StepBase {
  kind: 'manual';
  /** What to do; `{name}` is replaced by the run's parameter of that name. */
  instruction: string;
  verification: {
    description: string;
    /** Without it, the operator's verdict decides. */
    check?(
      context: Beskar7RunbookStepContext,
    ): Beskar7RunbookVerdict | Promise<Beskar7RunbookVerdict>;
  };
}

/**
 * A runbook procedure contributed by a module: the data the portal shows and
 * the code the engine runs, in the shape of the built-in procedures.
 *
 * @public
 */
export interface Beskar7RunbookProcedure {
  id: string;
  title: string;
  symptoms: string[];
  severity: RunbookSeverity;
  parameters: RunbookParameter[];
  steps: Array<Beskar7AutomatedRunbookStep | Beskar7ManualRunbookStep>;
}
