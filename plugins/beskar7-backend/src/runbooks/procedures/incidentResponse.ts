import { RunbookDefinition } from '../types';
import { NOTHING_TO_UNDO, READ_ONLY } from './helpers';

/** Severity levels with their definition, response target and escalation path. */
export const INCIDENT_SEVERITIES = {
  P1: {
    definition:
      'No machine can be provisioned or released fleet-wide, claims are inconsistent (a host under two machines), or BMC credentials may have leaked.',
    responseMinutes: 15,
    updateMinutes: 30,
    escalation: [
      'operations on-call (at once)',
      'platform engineering (at once)',
      'development (within 30 min)',
    ],
  },
  P2: {
    definition:
      'Provisioning degraded: a pool or vendor cannot be provisioned, the queue is full, or leadership keeps changing; workarounds exist.',
    responseMinutes: 60,
    updateMinutes: 120,
    escalation: [
      'operations on-call',
      'platform engineering after 2 h without progress',
      'development after 4 h',
    ],
  },
  P3: {
    definition:
      'Single hosts in Error, slow but working provisioning, cosmetic or portal problems.',
    responseMinutes: 8 * 60,
    updateMinutes: 24 * 60,
    escalation: [
      'operations (business hours)',
      'platform engineering by ticket',
    ],
  },
} as const;

const severityInstruction = Object.entries(INCIDENT_SEVERITIES)
  .map(
    ([level, s]) =>
      `${level}: ${s.definition} Respond within ${
        s.responseMinutes
      } min; escalate to ${s.escalation.join(', then ')}.`,
  )
  .join(' ');

export const incidentResponse: RunbookDefinition = {
  id: 'incident-response',
  title: 'Incident response (P1 / P2 / P3)',
  severity: 'critical',
  operatorGuide: {
    title: 'Troubleshooting: incidents and restores',
    path: 'docs/troubleshooting.md#incidents',
  },
  symptoms: [
    'An alert or a user report of provisioning failures',
    'Diagnostics show errors',
    'Any suspicion of a credential leak',
  ],
  parameters: [
    {
      name: 'severity',
      title: 'Severity',
      description: 'P1, P2 or P3, by the definitions in the guide.',
      type: 'string',
      required: true,
      enum: ['P1', 'P2', 'P3'],
    },
  ],
  steps: [
    {
      id: 'declare',
      title: 'Declare and escalate',
      description: severityInstruction,
      kind: 'manual',
      instruction:
        'Open the incident channel and ticket at {severity}; page the escalation levels of {severity}; name the incident commander.',
      mutates: false,
      risk: READ_ONLY,
      verification: {
        description:
          'Incident declared, commander named, the first level paged within the response target (operator verdict).',
      },
      rollback: {
        description:
          'Downgrade or close the incident with a note if it turns out not to be one.',
      },
    },
    {
      id: 'diagnose',
      title: 'Diagnose',
      description:
        'Run the diagnostics and note every failing check with its recommended runbook.',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async ({ diagnose }) => {
        const report = await diagnose();
        const bad = report.checks.filter(c => c.status !== 'ok');
        return {
          summary: bad.length
            ? bad
                .map(
                  c =>
                    `${c.title} (${c.status}) -> ${
                      c.runbookId ?? 'no runbook'
                    }`,
                )
                .join('; ')
            : 'Diagnostics are clean: the problem is outside the checks (network, image server, clients)',
          data: {
            runbooks: [...new Set(bad.map(c => c.runbookId).filter(Boolean))],
          },
        };
      },
      verification: {
        description: 'The diagnostics ran (the findings are recorded).',
        check: (_, o) => ({ passed: true, message: o.summary }),
      },
      rollback: NOTHING_TO_UNDO,
    },
    {
      id: 'pick-runbook',
      title: 'Pick and run the runbook',
      description:
        'Start the runbook for the worst finding (split brain and database first); record its run id in the ticket.',
      kind: 'manual',
      instruction:
        'Start the recommended runbook from /beskar7/runbooks and paste its run id into the incident ticket.',
      mutates: true,
      risk: { level: 'medium', description: 'As the chosen runbook states.' },
      verification: {
        description: 'The runbook run completed (operator verdict).',
      },
      rollback: { description: "Roll back the chosen runbook's run." },
    },
    {
      id: 'monitor-recovery',
      title: 'Monitor recovery',
      description: 'The diagnostics are clean again.',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async ({ diagnose }) => {
        const report = await diagnose();
        return {
          summary: `Overall ${report.status}`,
          data: { status: report.status },
        };
      },
      verification: {
        description: 'No check in error.',
        check: (_, o) =>
          (o.data as { status: string }).status !== 'error'
            ? { passed: true, message: o.summary }
            : {
                passed: false,
                message: `${o.summary}: keep the incident open; retry this step after the next action`,
              },
      },
      rollback: NOTHING_TO_UNDO,
    },
    {
      id: 'lessons-learned',
      title: 'Record lessons learned',
      description:
        'Blameless review: timeline, cause, what detected it, what slowed recovery, follow-up tickets (a missing check or runbook step is a follow-up).',
      kind: 'manual',
      instruction:
        'Write the review within 5 working days for P1/P2 (P3: a note in the ticket) and link it from the incident.',
      mutates: false,
      risk: READ_ONLY,
      verification: {
        description: 'Review written and follow-ups filed (operator verdict).',
      },
      rollback: NOTHING_TO_UNDO,
    },
  ],
};
