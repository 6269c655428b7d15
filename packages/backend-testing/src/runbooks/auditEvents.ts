import { AuditorService } from '@backstage/backend-plugin-api';
import { ServiceMock } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';

/** One audit event as the auditor test double saw it, with how it was closed. */
export interface SeenAuditEvent {
  eventId: string;
  meta: JsonObject;
  outcome: 'success' | 'fail' | 'open';
  result?: JsonObject;
  error?: string;
}

type EventDouble = {
  success: jest.Mock;
  fail: jest.Mock;
};

function outcomeOf(event: EventDouble): SeenAuditEvent['outcome'] {
  if (event.fail.mock.calls.length) return 'fail';
  if (event.success.mock.calls.length) return 'success';
  return 'open';
}

/** The events created on `mockServices.auditor.mock()` so far, oldest first. */
export async function seenAuditEvents(
  auditor: ServiceMock<AuditorService>,
): Promise<SeenAuditEvent[]> {
  const { calls, results } = auditor.createEvent.mock;
  return Promise.all(
    calls.map(async ([options], i) => {
      const event = (await results[i].value) as EventDouble;
      const closed = (event.fail.mock.calls[0] ??
        event.success.mock.calls[0]) as
        | [{ meta?: JsonObject; error?: Error } | undefined]
        | undefined;
      return {
        eventId: options.eventId,
        meta: options.meta ?? {},
        outcome: outcomeOf(event),
        result: closed?.[0]?.meta,
        error: closed?.[0]?.error?.message,
      };
    }),
  );
}

/** The runbook step events only, as `eventId stepId: outcome` lines. */
export async function stepAuditLines(
  auditor: ServiceMock<AuditorService>,
  runId?: string,
): Promise<string[]> {
  return (await seenAuditEvents(auditor))
    .filter(e => e.eventId.startsWith('runbook-step'))
    .filter(e => !runId || e.meta.runId === runId)
    .map(e => `${e.eventId} ${e.meta.stepId}: ${e.outcome}`);
}
