import { AuditorService } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import { RollbackRecord, StepResultPatch } from './RunbookRunStore';

/** Which step of which run an audit event is about, and who acted. */
export interface AuditedStep {
  actor: string;
  runId: string;
  runbookId: string;
  stepId: string;
  stepIndex: number;
  dryRun: boolean;
  destructive: boolean;
}

const messageOf = (error: unknown) =>
  error instanceof Error ? error : new Error(String(error));

/**
 * Puts every step the engine runs, rolls back or acknowledges into the
 * audit log: who, which step, and the outcome. A step that fails its
 * verification is a failed event; a refused step (permission, conflict)
 * too, with the reason.
 */
export class StepAudit {
  constructor(private readonly auditor: AuditorService) {}

  /** Opens the event of a step attempt; `end` closes it with the step's result. */
  async attempt(step: AuditedStep) {
    const event = await this.auditor.createEvent({
      eventId: 'runbook-step',
      severityLevel: step.destructive && !step.dryRun ? 'high' : 'medium',
      meta: { ...step },
    });
    return {
      end: (result: StepResultPatch & { attempt: number }) => {
        const meta: JsonObject = {
          attempt: result.attempt,
          status: result.status,
          summary: result.summary ?? null,
          verification: result.verification ?? null,
        };
        if (result.status === 'passed' || result.status === 'skipped') {
          return event.success({ meta });
        }
        return event.fail({
          meta,
          error: new Error(
            result.error ??
              result.verification?.message ??
              `Step ${step.stepId} ${result.status}`,
          ),
        });
      },
      refused: (error: unknown) => event.fail({ error: messageOf(error) }),
    };
  }

  async rollback(step: AuditedStep, record: RollbackRecord) {
    const event = await this.auditor.createEvent({
      eventId: 'runbook-step-rollback',
      severityLevel: 'high',
      meta: { ...step, attempt: record.attempt },
    });
    const meta = { status: record.status, summary: record.summary };
    if (record.status === 'rollback-failed') {
      await event.fail({ meta, error: new Error(record.summary) });
    } else {
      await event.success({ meta });
    }
  }

  async acknowledged(step: AuditedStep, note: string) {
    const event = await this.auditor.createEvent({
      eventId: 'runbook-step-acknowledge',
      severityLevel: 'medium',
      meta: { ...step, note },
    });
    await event.success();
  }
}
