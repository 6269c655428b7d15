import {
  fillInstruction,
  RunbookStepInput,
} from '@beskar7/backstage-plugin-beskar7-common';
import { StepResultPatch } from './RunbookRunStore';
import { RunbookStep, StepContext, StepOutcome, Verdict } from './types';

const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

async function verify(
  check: () => Verdict | Promise<Verdict>,
): Promise<Verdict> {
  try {
    return await check();
  } catch (error) {
    return {
      passed: false,
      message: `Verification could not run: ${messageOf(error)}`,
    };
  }
}

/**
 * Runs one attempt of a step and judges it; never throws, a failure is a
 * result. A dry run skips what would change the system and runs the reads.
 */
export async function executeStep(
  step: RunbookStep,
  context: StepContext,
  request: { actor: string; input?: RunbookStepInput },
): Promise<StepResultPatch> {
  const note = request.input?.note;
  if (context.dryRun && step.mutates) {
    const what =
      step.kind === 'manual'
        ? `ask the operator to: ${fillInstruction(
            step.instruction,
            context.parameters,
          )}`
        : step.description;
    return { status: 'skipped', summary: `Dry run: would ${what}` };
  }

  if (step.kind === 'manual') {
    const summary = `Done by ${request.actor}: ${fillInstruction(
      step.instruction,
      context.parameters,
    )}`;
    if (request.input?.verdict === 'fail') {
      return {
        status: 'failed',
        summary,
        note,
        verification: {
          passed: false,
          message: `${request.actor} reported it failed`,
        },
      };
    }
    const check = step.verification.check;
    const verification = check
      ? await verify(() => check(context))
      : {
          passed: true,
          message: `${request.actor} confirmed: ${step.verification.description}`,
        };
    return {
      status: verification.passed ? 'passed' : 'failed',
      summary,
      note,
      verification,
    };
  }

  let outcome: StepOutcome;
  try {
    outcome = await step.run(context);
  } catch (error) {
    return {
      status: 'failed',
      summary: 'The action failed',
      error: messageOf(error),
      note,
    };
  }
  const verification = await verify(() =>
    step.verification.check(context, outcome),
  );
  return {
    status: verification.passed ? 'passed' : 'failed',
    summary: outcome.summary,
    data: outcome.data,
    note,
    verification,
  };
}
