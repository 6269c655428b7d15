import { RunbookSummary } from '@beskar7/backstage-plugin-beskar7-common';
import { RunbookDefinition } from './types';

/** The operator guide's section of a runbook. */
export const guideFor = (id: string) => `docs/runbooks.md#${id}`;

/** A runbook as data for the portal: the code stays behind. */
export function toRunbookSummary(
  definition: RunbookDefinition,
): RunbookSummary {
  return {
    id: definition.id,
    title: definition.title,
    symptoms: definition.symptoms,
    severity: definition.severity,
    guide: guideFor(definition.id),
    operatorGuide: definition.operatorGuide,
    parameters: definition.parameters,
    destructive: definition.steps.some(s => s.destructive),
    steps: definition.steps.map(step => ({
      id: step.id,
      title: step.title,
      description: step.description,
      kind: step.kind,
      instruction: step.kind === 'manual' ? step.instruction : undefined,
      risk: step.risk,
      mutates: step.mutates,
      destructive: Boolean(step.destructive),
      verification: step.verification.description,
      automatedVerification: Boolean(step.verification.check),
      rollback: step.rollback.description,
      automatedRollback: Boolean(step.rollback.run),
    })),
  };
}
