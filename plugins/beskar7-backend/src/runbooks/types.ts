import {
  DiagnosticsReport,
  RunbookParameter,
  RunbookSeverity,
  StepRisk,
} from '@internal/backstage-plugin-beskar7-common';
import { FleetFacts } from '../diagnostics';
import { RunbookActions } from './ports';

export type ParameterValues = Record<string, string | number | boolean>;

/** What a step's code gets to work with. */
export interface StepContext {
  parameters: ParameterValues;
  actions: RunbookActions;
  facts: FleetFacts;
  diagnose(): Promise<DiagnosticsReport>;
  dryRun: boolean;
  /** Aborted when the step outlives its limit. */
  signal: AbortSignal;
  /** `data` of the latest attempt of each earlier step, by step id. */
  earlier: Record<string, unknown>;
  /** Waits, or rejects when `signal` aborts (for steps that watch something settle). */
  sleep(ms: number): Promise<void>;
}

/** What an action did or found. */
export interface StepOutcome {
  summary: string;
  data?: unknown;
}

/** A verification's answer: pass or fail, with the reason. */
export interface Verdict {
  passed: boolean;
  message: string;
}

interface StepBase {
  id: string;
  title: string;
  description: string;
  risk: StepRisk;
  /** Needs the destructive-runbook permission (clears leases, drops a claim). */
  destructive?: boolean;
  /** Changes the system: dry runs skip it, rollbacks undo it. */
  mutates: boolean;
  rollback: {
    description: string;
    /** Undoes the step; without it the rollback is the description, for the operator. */
    run?(context: StepContext): Promise<StepOutcome>;
  };
}

/** The backend runs it and checks its result. */
export interface AutomatedStep extends StepBase {
  kind: 'automated';
  run(context: StepContext): Promise<StepOutcome>;
  verification: {
    description: string;
    check(
      context: StepContext,
      outcome: StepOutcome,
    ): Verdict | Promise<Verdict>;
  };
}

/** The operator does it and confirms; the backend checks the result when it can. */
export interface ManualStep extends StepBase {
  kind: 'manual';
  /** What to do; `{name}` is replaced by the run's parameter of that name. */
  instruction: string;
  verification: {
    description: string;
    /** Without it, the operator's verdict decides. */
    check?(context: StepContext): Verdict | Promise<Verdict>;
  };
}

export type RunbookStep = AutomatedStep | ManualStep;

/** A procedure: data the portal shows, and the code the engine runs. */
export interface RunbookDefinition {
  id: string;
  title: string;
  symptoms: string[];
  severity: RunbookSeverity;
  parameters: RunbookParameter[];
  steps: RunbookStep[];
}
