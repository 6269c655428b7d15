import {
  RunbookGuideLink,
  RunbookParameter,
  RunbookSeverity,
  StepRisk,
} from '@beskar7/backstage-plugin-beskar7-common';
import {
  Beskar7RunbookStepContext,
  Beskar7RunbookStepOutcome,
  Beskar7RunbookVerdict,
} from '@beskar7/backstage-plugin-beskar7-node';
import { FleetFacts } from '../diagnostics';
import { RunbookActions } from './ports';

export type ParameterValues = Record<string, string | number | boolean>;

/**
 * What a built-in step's code gets: what contributed procedures get (see
 * -node), plus the engine's own hands on the fleet.
 */
export interface StepContext extends Beskar7RunbookStepContext {
  parameters: ParameterValues;
  actions: RunbookActions;
  facts: FleetFacts;
}

/** What an action did or found. */
export type StepOutcome = Beskar7RunbookStepOutcome;

/** A verification's answer: pass or fail, with the reason. */
export type Verdict = Beskar7RunbookVerdict;

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
  /** The section of the operator guides (docs/) this procedure belongs to. */
  operatorGuide?: RunbookGuideLink;
  parameters: RunbookParameter[];
  steps: RunbookStep[];
}
