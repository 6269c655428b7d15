import { DiagnosticsReport } from '@beskar7/backstage-plugin-beskar7-common';
import { RunbookDefinition } from '../types';
import { NOTHING_TO_UNDO, READ_ONLY } from './helpers';

export const quickHealthCheck: RunbookDefinition = {
  id: 'quick-health-check',
  title: 'Quick health check',
  severity: 'info',
  operatorGuide: {
    title: 'Troubleshooting: quick health check',
    path: 'docs/troubleshooting.md#quick-health-check',
  },
  symptoms: [
    'Start of a shift, or after a deployment',
    'Someone reports "provisioning is slow" or "my machine is stuck" and the cause is not known yet',
    'An alert fired and you want the whole picture before picking a runbook',
  ],
  parameters: [],
  steps: [
    {
      id: 'run-diagnostics',
      title: 'Run the health diagnostics',
      description:
        'Run every check the backend knows (replicas and leader, database, hosts by state, shortage, pending machines, warning events, claim conflicts, queue, BMC errors and cooldowns).',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async ({ diagnose }) => {
        const report = await diagnose();
        const bad = report.checks.filter(c => c.status !== 'ok');
        return {
          summary: bad.length
            ? `${bad.length} check(s) need attention: ${bad
                .map(c => `${c.title} (${c.status}: ${c.value})`)
                .join('; ')}`
            : `All ${report.checks.length} checks ok`,
          data: report,
        };
      },
      verification: {
        description: 'Every check is ok.',
        check: async (_, outcome) => {
          const report = outcome.data as DiagnosticsReport;
          return report.status === 'ok'
            ? { passed: true, message: 'The fleet is healthy' }
            : { passed: false, message: outcome.summary };
        },
      },
      rollback: NOTHING_TO_UNDO,
    },
    {
      id: 'next-steps',
      title: 'Follow the recommended runbooks',
      description:
        'For each check that is not ok, open the runbook it recommends, worst status first. Errors before warnings; a database or replica error before everything else, since the other checks depend on them.',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async ({ earlier, diagnose }) => {
        const report =
          (earlier['run-diagnostics'] as DiagnosticsReport | undefined) ??
          (await diagnose());
        const order = { error: 0, warning: 1, ok: 2 };
        const todo = report.checks
          .filter(c => c.status !== 'ok' && c.runbookId)
          .sort((a, b) => order[a.status] - order[b.status]);
        const runbooks = [...new Set(todo.map(c => c.runbookId!))];
        return {
          summary: runbooks.length
            ? `Next: ${runbooks
                .map(id => `/beskar7/runbooks/${id}`)
                .join(', ')}`
            : 'Nothing to follow up',
          data: { runbooks },
        };
      },
      verification: {
        description: 'Every failing check has a runbook to follow.',
        check: async ({ diagnose }) => {
          const orphans = (await diagnose()).checks.filter(
            c => c.status !== 'ok' && !c.runbookId,
          );
          return orphans.length
            ? {
                passed: false,
                message: `No runbook for: ${orphans
                  .map(c => c.title)
                  .join(', ')}; escalate as an incident`,
              }
            : { passed: true, message: 'Each finding has a runbook' };
        },
      },
      rollback: NOTHING_TO_UNDO,
    },
  ],
};
