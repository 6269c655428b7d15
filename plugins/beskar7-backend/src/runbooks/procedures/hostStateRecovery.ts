import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import { RunbookDefinition } from '../types';
import { NOTHING_TO_UNDO, READ_ONLY, watch } from './helpers';

export const hostStateRecovery: RunbookDefinition = {
  id: 'host-state-recovery',
  title: 'Host state recovery',
  severity: 'warning',
  operatorGuide: {
    title: 'Maintenance: host replacement and recovery',
    path: 'docs/maintenance.md#host-replacement',
  },
  symptoms: [
    'Diagnostics: hosts in Error, or warning events about failed inspections or provisioning',
    'A machine failed with a BMC or provisioning error and its host stays in Error',
  ],
  parameters: [
    {
      name: 'hostId',
      title: 'Host',
      description: 'The host in Error to bring back.',
      type: 'string',
      required: true,
    },
    {
      name: 'waitSeconds',
      title: 'Re-enrollment wait',
      description: 'How long to wait for the host to be inspected again.',
      type: 'number',
      required: false,
      default: 900,
    },
  ],
  steps: [
    {
      id: 'read-error',
      title: 'Read why the host is in Error',
      description:
        'The error message, the machine that held it, and the other hosts in Error (many at once point at a shared cause).',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async ({ actions, parameters }) => {
        const [host, inError] = await Promise.all([
          actions.getHost(String(parameters.hostId)),
          actions.listHosts({ state: ['Error'] }),
        ]);
        if (!host) throw new Error(`No host ${parameters.hostId}`);
        return {
          summary: `${host.name} is ${host.state}${
            host.errorMessage ? `: ${host.errorMessage}` : ''
          }${host.consumerId ? ` (held by machine ${host.consumerId})` : ''}; ${
            inError.length
          } host(s) in Error in total`,
          data: {
            state: host.state,
            consumerId: host.consumerId,
            inError: inError.length,
          },
        };
      },
      verification: {
        description: 'The host is in Error.',
        check: (_, o) =>
          (o.data as { state: string }).state === 'Error'
            ? { passed: true, message: o.summary }
            : { passed: false, message: `${o.summary}: nothing to recover` },
      },
      rollback: NOTHING_TO_UNDO,
    },
    {
      id: 'fix-cause',
      title: 'Fix the cause',
      description:
        'Recovering a host whose BMC is still broken sends it straight back to Error.',
      kind: 'manual',
      instruction:
        'Act on the error message of {hostId}: run bmc-connectivity for BMC errors; check power, the image URL and the boot order for provisioning errors; hardware faults go to the data-centre team.',
      mutates: true,
      risk: {
        level: 'low',
        description:
          'Depends on the fix; a BMC reset interrupts its other hosts on shared chassis.',
      },
      verification: {
        description:
          'The cause is fixed (operator verdict; bmc-connectivity passes for BMC causes).',
      },
      rollback: { description: 'Undo the fix if it made things worse.' },
    },
    {
      id: 'recover',
      title: 'Clean the host up and return it to the pool',
      description:
        'Error -> Deprovisioning: media ejected, powered off, boot override cleared and verified before Available; the machine that held the host loses it (it failed already). A host that failed its inspection is inspected again (Enrolling).',
      kind: 'automated',
      mutates: true,
      destructive: true,
      risk: {
        level: 'high',
        description:
          "The holding machine's claim is dropped for good; its workload is not coming back on this host.",
      },
      run: async ({ actions, parameters }) => {
        const id = String(parameters.hostId);
        const current = await actions.getHost(id);
        // Idempotent: a retry after an interrupted attempt finds the host already recovered.
        if (current && current.state !== 'Error') {
          return {
            summary: `${current.name} is already ${current.state}`,
            data: { state: current.state },
          };
        }
        const host = await actions.recoverHost(
          id,
          'Recovered through the host-state-recovery runbook',
        );
        return {
          summary: `${host.name} is ${host.state}`,
          data: { state: host.state },
        };
      },
      verification: {
        description:
          'The host left Error and holds no consumer (but the one its cleanup lets go).',
        check: async ({ actions, parameters }) => {
          const host = await actions.getHost(String(parameters.hostId));
          return host &&
            host.state !== 'Error' &&
            (!host.consumerId || host.state === 'Deprovisioning')
            ? {
                passed: true,
                message: `${host.name} is ${host.state} with no consumer`,
              }
            : {
                passed: false,
                message: `Still ${host?.state ?? 'missing'}${
                  host?.consumerId ? `, held by ${host.consumerId}` : ''
                }`,
              };
        },
      },
      rollback: {
        description:
          'No automatic way back: a host that fails inspection returns to Error by itself.',
      },
    },
    {
      id: 'verify-enrollment',
      title: 'Verify re-enrollment',
      description:
        'Wait for the cleanup (or inspection) to finish: Available means the host is back in the pool.',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async context => {
        const id = String(context.parameters.hostId);
        const host = await watch<Host | undefined>(
          context,
          () => context.actions.getHost(id),
          h => !h || h.state === 'Available' || h.state === 'Error',
          {
            timeoutMs: Number(context.parameters.waitSeconds) * 1000,
            intervalMs: 2_000,
          },
        );
        return {
          summary: `${host?.name ?? id} is ${host?.state ?? 'gone'}${
            host?.errorMessage && host.state === 'Error'
              ? `: ${host.errorMessage}`
              : ''
          }`,
          data: { state: host?.state },
        };
      },
      verification: {
        description: 'The host is Available.',
        check: (_, o) =>
          (o.data as { state?: string }).state === 'Available'
            ? { passed: true, message: o.summary }
            : {
                passed: false,
                message: `${o.summary}: retry the wait, or fix the cause again and rerun the runbook`,
              },
      },
      rollback: NOTHING_TO_UNDO,
    },
  ],
};
