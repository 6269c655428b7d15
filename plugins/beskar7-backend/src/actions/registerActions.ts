import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  beskar7HostReadPermission,
  beskar7MachineCreatePermission,
  beskar7MachineReleasePermission,
  OS_FAMILIES,
  PROVISIONING_MODES,
} from '@beskar7/backstage-plugin-beskar7-common';
import { RouteGuard } from '../api/guard';
import { parseMachineRequest } from '../api/validation';
import { DiagnosticsService } from '../diagnostics';
import { MachineService } from '../machines/MachineService';

export interface ActionsOptions {
  actionsRegistry: ActionsRegistryService;
  guard: RouteGuard;
  diagnostics: Pick<DiagnosticsService, 'report'>;
  machines: MachineService;
}

/**
 * The fleet's read-only health check and the machine actions, offered to the
 * portal's other integrations (MCP clients included) under the same
 * permissions and audit as the REST API.
 */
export function registerActions(options: ActionsOptions) {
  const { actionsRegistry, guard, diagnostics, machines } = options;

  actionsRegistry.register({
    name: 'get-fleet-diagnostics',
    title: 'Bare-metal fleet diagnostics',
    description:
      'Runs the Beskar7 health checks (hosts by state, hosts in Error, shortages, claim conflicts, queue length, BMC errors, database latency) and returns each with its status, value, threshold and recommended runbook.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z => z.object({}),
      output: z =>
        z.object({
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
    },
    action: async ({ credentials }) => {
      await guard.authorize(credentials, beskar7HostReadPermission);
      const { status, checks } = await diagnostics.report();
      return { output: { status, checks } };
    },
  });

  actionsRegistry.register({
    name: 'request-machine',
    title: 'Request a bare-metal machine',
    description:
      'Requests a machine: a host matching the requirements is claimed and provisioned with the image. Asking again with the same name and spec returns the same machine.',
    attributes: { readOnly: false, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          name: z.string().describe('Machine name (lowercase DNS label)'),
          namespace: z.string().optional(),
          pool: z
            .string()
            .optional()
            .describe('Host pool to take the host from'),
          imageUrl: z.string().describe('http(s) URL of the OS image'),
          configUrl: z.string().optional(),
          osFamily: z.enum(OS_FAMILIES),
          provisioningMode: z.enum(PROVISIONING_MODES),
        }),
      output: z =>
        z.object({ id: z.string(), phase: z.string(), created: z.boolean() }),
    },
    action: async ({ input, credentials }) => {
      const { pool, ...rest } = input;
      const { machine, created } = await guard.auditedInput(
        credentials,
        beskar7MachineCreatePermission,
        'machine-request',
        {
          parse: () =>
            parseMachineRequest({
              ...rest,
              requirements: pool ? { pool } : {},
            }),
          meta: ({ namespace, name }) => ({ namespace, name, via: 'action' }),
        },
        request => machines.request(request),
      );
      return { output: { id: machine.id, phase: machine.phase, created } };
    },
  });

  actionsRegistry.register({
    name: 'release-machine',
    title: 'Release a bare-metal machine',
    description:
      'Releases a machine: its host is deprovisioned (media ejected, powered off) and returned to the pool.',
    attributes: { readOnly: false, idempotent: true, destructive: true },
    schema: {
      input: z => z.object({ machineId: z.string() }),
      output: z => z.object({ phase: z.string() }),
    },
    action: async ({ input, credentials }) => {
      const machine = await guard.audited(
        credentials,
        beskar7MachineReleasePermission,
        'machine-release',
        { machineId: input.machineId, via: 'action' },
        () => machines.release(input.machineId),
      );
      return { output: { phase: machine.phase } };
    },
  });
}
