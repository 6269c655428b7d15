import { RunbookDefinition } from '../types';
import { NOTHING_TO_UNDO, READ_ONLY } from './helpers';

export const maintenance: RunbookDefinition = {
  id: 'maintenance',
  title: 'Daily and weekly maintenance checks',
  severity: 'info',
  operatorGuide: {
    title: 'Maintenance: daily and weekly schedule',
    path: 'docs/maintenance.md#schedules',
  },
  symptoms: [
    'Daily at the start of the shift',
    'Weekly, with the longer checks',
  ],
  parameters: [
    {
      name: 'cadence',
      title: 'Cadence',
      description: 'daily runs the daily checks; weekly adds the weekly ones.',
      type: 'string',
      required: false,
      enum: ['daily', 'weekly'],
      default: 'daily',
    },
  ],
  steps: [
    {
      id: 'diagnostics',
      title: 'Diagnostics are clean',
      description:
        'Daily: run the health diagnostics; any warning gets its runbook today.',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async ({ diagnose }) => {
        const report = await diagnose();
        const bad = report.checks.filter(c => c.status !== 'ok');
        return {
          summary: bad.length
            ? bad.map(c => `${c.title}: ${c.message}`).join('; ')
            : 'All checks ok',
          data: { status: report.status },
        };
      },
      verification: {
        description: 'Overall status ok.',
        check: (_, o) => ({
          passed: (o.data as { status: string }).status === 'ok',
          message: o.summary,
        }),
      },
      rollback: NOTHING_TO_UNDO,
    },
    {
      id: 'hosts-in-error',
      title: 'No host left in Error',
      description:
        'Daily: every host in Error has an owner and a ticket, or is recovered.',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async ({ actions }) => {
        const hosts = await actions.listHosts({ state: ['Error'] });
        return {
          summary: hosts.length
            ? hosts
                .map(h => `${h.name}: ${h.errorMessage ?? 'no message'}`)
                .join('; ')
            : 'None',
          data: { count: hosts.length },
        };
      },
      verification: {
        description:
          'No host in Error (or each is tracked: acknowledge the step with the ticket numbers).',
        check: (_, o) => ({
          passed: (o.data as { count: number }).count === 0,
          message: o.summary,
        }),
      },
      rollback: NOTHING_TO_UNDO,
    },
    {
      id: 'bmc-certificates',
      title: 'BMC circuits closed',
      description:
        'Daily: an open circuit is a BMC the backend has given up on for now.',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async ({ actions }) => {
        const open = (await actions.bmcCircuits()).filter(
          c => c.state !== 'closed',
        );
        return {
          summary: open.length
            ? open
                .map(c => `${c.address}: ${c.lastError ?? c.state}`)
                .join('; ')
            : 'All closed',
          data: { open: open.length },
        };
      },
      verification: {
        description: 'No open circuit.',
        check: (_, o) => ({
          passed: (o.data as { open: number }).open === 0,
          message: o.summary,
        }),
      },
      rollback: NOTHING_TO_UNDO,
    },
    {
      id: 'weekly-review',
      title: 'Weekly: capacity, backups, certificates, versions',
      description: 'Weekly only (pass it on a daily run): the slower checks.',
      kind: 'manual',
      instruction:
        'Weekly: run capacity-planning; check the last database backup restored in the restore test; list BMC certificates expiring within 30 days (bmc-connectivity warns per host); review Backstage and plugin updates and the BMC firmware advisories; prune runbook runs and host events beyond the retention period.',
      mutates: false,
      risk: READ_ONLY,
      verification: {
        description: 'Each item done or ticketed (operator verdict).',
      },
      rollback: NOTHING_TO_UNDO,
    },
  ],
};
