import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  beskar7HostReadPermission,
  beskar7MachineCreatePermission,
  beskar7MachineReleasePermission,
  OS_FAMILIES,
  PROVISIONING_MODES,
} from '@beskar7/backstage-plugin-beskar7-common';
import { checkMachineRequest } from '../api/validation';
import { Authorizer } from '../authorization';
import { DiagnosticsService } from '../diagnostics';
import { MachineService } from '../machines/MachineService';
import { registerAuthorizedAction } from './authorizedAction';

export interface ActionsOptions {
  actionsRegistry: ActionsRegistryService;
  authorizer: Authorizer;
  diagnostics: Pick<DiagnosticsService, 'report'>;
  machines: MachineService;
}

/**
 * The fleet's read-only health check and the machine actions, offered to the
 * portal's other integrations (MCP clients included) under the same
 * permissions and audit as the REST API.
 */
export function registerActions(options: ActionsOptions) {
  const { actionsRegistry, authorizer, diagnostics, machines } = options;

  registerAuthorizedAction(actionsRegistry, authorizer, {
    name: 'get-fleet-diagnostics',
    title: 'Bare-metal fleet diagnostics',
    description:
      'Runs the Beskar7 health checks (hosts by state, hosts in Error, shortages, claim conflicts, queue length, BMC errors, database latency) and returns each with its status, value, threshold and recommended runbook.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    permission: beskar7HostReadPermission,
    input: () => ({}),
    output: z => ({
      status: z.enum(['ok', 'warning', 'error']),
      checks: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          status: z.enum(['ok', 'warning', 'error']),
          value: z.union([z.string(), z.number()]),
          threshold: z.string().optional(),
          message: z.string(),
          runbookId: z.string().optional(),
        }),
      ),
    }),
    action: async () => {
      const { status, checks } = await diagnostics.report();
      return { status, checks };
    },
  });

  registerAuthorizedAction(actionsRegistry, authorizer, {
    name: 'request-machine',
    title: 'Request a bare-metal machine',
    description:
      'Requests a machine: a host matching the requirements is claimed and provisioned with the image. Asking again with the same name and spec returns the same machine.',
    attributes: { readOnly: false, idempotent: true, destructive: false },
    permission: beskar7MachineCreatePermission,
    audit: 'machine-request',
    input: z => ({
      name: z.string().describe('Machine name (lowercase DNS label)'),
      namespace: z.string().optional(),
      pool: z.string().optional().describe('Host pool to take the host from'),
      imageUrl: z.string().describe('http(s) URL of the OS image'),
      configUrl: z.string().optional(),
      osFamily: z.enum(OS_FAMILIES),
      provisioningMode: z.enum(PROVISIONING_MODES),
    }),
    output: z => ({ id: z.string(), phase: z.string(), created: z.boolean() }),
    action: async ({ pool, ...rest }, call) => {
      const request = checkMachineRequest({
        ...rest,
        requirements: pool ? { pool } : {},
      });
      const { namespace, name } = request;
      call.describe({ namespace, name, via: 'action' });
      const { machine, created } = await machines.request(request);
      return { id: machine.id, phase: machine.phase, created };
    },
  });

  registerAuthorizedAction(actionsRegistry, authorizer, {
    name: 'release-machine',
    title: 'Release a bare-metal machine',
    description:
      'Releases a machine: its host is deprovisioned (media ejected, powered off) and returned to the pool.',
    attributes: { readOnly: false, idempotent: true, destructive: true },
    permission: beskar7MachineReleasePermission,
    audit: 'machine-release',
    input: z => ({ machineId: z.string() }),
    output: z => ({ phase: z.string() }),
    action: async ({ machineId }, call) => {
      call.describe({ machineId, via: 'action' });
      const machine = await machines.release(machineId);
      return { phase: machine.phase };
    },
  });
}
