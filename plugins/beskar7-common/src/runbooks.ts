/** How serious the condition a runbook handles is. */
export const RUNBOOK_SEVERITIES = ['info', 'warning', 'critical'] as const;
/** @public */
export type RunbookSeverity = (typeof RUNBOOK_SEVERITIES)[number];

/** What can go wrong when a step runs. */
export const STEP_RISK_LEVELS = ['none', 'low', 'medium', 'high'] as const;
/** @public */
export type StepRiskLevel = (typeof STEP_RISK_LEVELS)[number];

/** @public */
export interface StepRisk {
  level: StepRiskLevel;
  /** The risk in words: what is affected if the step misbehaves. */
  description: string;
}

/** One input a runbook asks for when a run starts. */
export interface RunbookParameter {
  name: string;
  title: string;
  description: string;
  type: 'string' | 'number' | 'boolean';
  required: boolean;
  /** Allowed values of a string parameter. */
  enum?: string[];
  default?: string | number | boolean;
}

/** A step as the portal shows it; the code that runs it stays in the backend. */
export interface RunbookStepSummary {
  id: string;
  title: string;
  description: string;
  /** `automated`: the backend runs it; `manual`: the operator does it and confirms. */
  kind: 'automated' | 'manual';
  /** What the operator must do, for manual steps. */
  instruction?: string;
  risk: StepRisk;
  /** Changes the system; dry runs skip it. */
  mutates: boolean;
  /** Needs the separate destructive-runbook permission. */
  destructive: boolean;
  /** How the step's success is judged, in words. */
  verification: string;
  /** True when the backend checks the verification; false when the operator gives the verdict. */
  automatedVerification: boolean;
  /** How to undo the step, in words. */
  rollback: string;
  automatedRollback: boolean;
}

/** A section of the operator guides in the repository's `docs/` folder. */
export interface RunbookGuideLink {
  title: string;
  /** Relative to the repository, with the section's anchor (`docs/scaling.md#coordination-modes`). */
  path: string;
}

/** @public */
export interface RunbookSummary {
  id: string;
  title: string;
  /** When to use it: the symptoms an operator sees. */
  symptoms: string[];
  severity: RunbookSeverity;
  /** The operator guide's section, relative to the repository (`docs/runbooks.md#<id>`). */
  guide: string;
  /** The operator guide (deployment, scaling, maintenance...) that explains the background. */
  operatorGuide?: RunbookGuideLink;
  parameters: RunbookParameter[];
  steps: RunbookStepSummary[];
  /** True when any step is destructive. */
  destructive: boolean;
}

/** Where a run stands. */
export const RUNBOOK_RUN_STATUSES = [
  /** The next step can be run. */
  'in-progress',
  /** A step failed: retry it, acknowledge it and go on, roll back, or abort. */
  'step-failed',
  'completed',
  'rolled-back',
  /** A rollback action failed; the operator must finish by hand. */
  'rollback-failed',
  'aborted',
] as const;
/** @public */
export type RunbookRunStatus = (typeof RUNBOOK_RUN_STATUSES)[number];

export const STEP_RESULT_STATUSES = [
  'running',
  'passed',
  'failed',
  /** A mutating step not run because the run is a dry run. */
  'skipped',
  /** Failed, and the operator chose to go on. */
  'acknowledged',
  /** The replica running it stopped before it finished; it is run again on resume. */
  'interrupted',
] as const;
/** @public */
export type StepResultStatus = (typeof STEP_RESULT_STATUSES)[number];

export const STEP_ROLLBACK_STATUSES = [
  'rolled-back',
  'rollback-failed',
  /** The rollback is an instruction for the operator. */
  'manual',
] as const;
/** @public */
export type StepRollbackStatus = (typeof STEP_ROLLBACK_STATUSES)[number];

/** One attempt of one step. */
export interface RunbookStepResult {
  stepIndex: number;
  stepId: string;
  attempt: number;
  status: StepResultStatus;
  /** Who ran (or confirmed) the step. */
  actor: string;
  startedAt: string;
  finishedAt?: string;
  /** What the action did or found, in words. */
  summary?: string;
  /** Structured result of the action (counts, lists), for the portal. */
  data?: unknown;
  error?: string;
  verification?: { passed: boolean; message: string };
  /** The operator's note on a manual step or an acknowledged failure. */
  note?: string;
  rollback?: {
    status: StepRollbackStatus;
    actor: string;
    at: string;
    summary: string;
  };
}

/** @public */
export interface RunbookRun {
  id: string;
  runbookId: string;
  status: RunbookRunStatus;
  dryRun: boolean;
  startedBy: string;
  parameters: Record<string, string | number | boolean>;
  /** Index of the next step to run; equals the step count when none is left. */
  nextStepIndex: number;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** Every attempt of every step, in the order they ran. */
  steps: RunbookStepResult[];
}

/** Body of `POST /runbooks/:id/runs`. */
export interface StartRunbookRunRequest {
  dryRun?: boolean;
  parameters?: Record<string, string | number | boolean>;
}

/** Body of `POST /runbooks/runs/:runId/next`: the operator's word on a manual step. */
export interface RunbookStepInput {
  /** Verdict on a manual step whose verification is the operator's. */
  verdict?: 'pass' | 'fail';
  note?: string;
}

/** The layers a BMC connectivity probe goes through, in order. */
export const BMC_PROBE_LAYERS = [
  'dns',
  'tcp',
  'tls',
  'service-root',
  'authentication',
  'systems',
] as const;
/** @public */
export type BmcProbeLayer = (typeof BMC_PROBE_LAYERS)[number];

/** @public */
export type BmcProbeVerdict = 'pass' | 'warn' | 'fail' | 'skipped';

/** The verdict on one layer, never containing credentials. */
export interface BmcProbeLayerResult {
  layer: BmcProbeLayer;
  verdict: BmcProbeVerdict;
  message: string;
  durationMs?: number;
  details?: Record<string, string | number | boolean>;
}

/** @public */
export interface BmcProbeReport {
  address: string;
  layers: BmcProbeLayerResult[];
}

/**
 * Fills `{name}` placeholders of a manual step's instruction with a run's
 * parameters, as the backend records it and the portal shows it.
 */
export function fillInstruction(
  text: string,
  parameters: Record<string, string | number | boolean>,
): string {
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    name in parameters ? String(parameters[name]) : whole,
  );
}
