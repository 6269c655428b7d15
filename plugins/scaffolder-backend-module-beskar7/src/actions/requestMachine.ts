import { PermissionsService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createTemplateAction,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { MachineRequestInput, MachineRequestOutput } from './actionTypes';
import {
  beskar7MachineCreatePermission,
  HostRequirements,
  Machine,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Beskar7Service } from '@beskar7/backstage-plugin-beskar7-node';
import { z } from 'zod/v3';
import { eligibleHosts } from './eligibleHosts';
import { explained } from './errors';
import {
  MAX_PREFIX_LENGTH,
  parseInput,
  RequestInput,
  requestInput,
  requestOutput,
} from './schema';
import { waitForPhase } from './waitForPhase';

export interface MachineActionOptions {
  beskar7: Beskar7Service;
  permissions: PermissionsService;
  /** Time between reads while waiting for a phase; 5 seconds by default. */
  pollIntervalMs?: number;
}

/**
 * `beskar7:machine:request`: requests `count` machines named
 * `<namePrefix>-<n>`. The names depend only on the input (or the task id),
 * and the API returns an existing machine for the same name and spec, so a
 * retried step requests nothing twice.
 *
 * @public
 */
export function createMachineRequestAction(
  options: MachineActionOptions,
): TemplateAction<MachineRequestInput, MachineRequestOutput, 'v2'> {
  const { beskar7, permissions, pollIntervalMs = 5000 } = options;
  return createTemplateAction({
    id: 'beskar7:machine:request',
    description:
      'Requests bare-metal machines from Beskar7: hosts matching the requirements are claimed and provisioned with the image. In a dry run, lists the Available hosts that match instead, claiming nothing.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Two flatcar machines from the default pool, waited for',
        example: `steps:
  - id: request
    action: beskar7:machine:request
    input:
      count: 2
      namePrefix: ci-runner
      pool: default
      imageUrl: https://images.example/flatcar.iso
      configUrl: https://config.example/ignition.json
      osFamily: flatcar
      provisioningMode: RemoteConfig
      wait: true`,
      },
    ],
    schema: { input: requestInput, output: requestOutput },
    async handler(ctx) {
      const input = parseInput(requestInput(z), ctx.input);
      const credentials = await ctx.getInitiatorCredentials();
      const requirements = toRequirements(input);
      const names = machineNames(
        input.namePrefix ?? prefixFromTask(ctx.task.id),
        input.count,
      );
      ctx.output('machineNames', names);

      if (ctx.isDryRun) {
        // What the API would check first; nothing is written.
        const [decision] = await permissions.authorize(
          [{ permission: beskar7MachineCreatePermission }],
          { credentials },
        );
        if (decision.result !== AuthorizeResult.ALLOW) {
          throw new NotAllowedError(
            `Missing permission ${beskar7MachineCreatePermission.name}`,
          );
        }
        const eligible = await explained('list hosts', () =>
          eligibleHosts(beskar7, requirements, { credentials }),
        );
        const summary = `Dry run, nothing claimed: ${eligible.length} Available host(s) match the requirements; a real run claims ${input.count} of them, chosen by the claim engine.`;
        if (eligible.length < input.count) {
          ctx.logger.warn(
            `Only ${eligible.length} Available host(s) match; ${input.count} requested machine(s) would wait for hosts`,
          );
        }
        ctx.logger.info(summary);
        ctx.output('machineIds', []);
        ctx.output('hostNames', []);
        ctx.output(
          'eligibleHostNames',
          eligible.map(h => h.name),
        );
        ctx.output('summary', summary);
        return;
      }

      let machines: Machine[] = [];
      for (const name of names) {
        const { machine, created } = await explained(
          `request machine ${name}`,
          () =>
            beskar7.requestMachine(
              {
                name,
                namespace: input.namespace,
                requirements,
                imageUrl: input.imageUrl,
                configUrl: input.configUrl,
                osFamily: input.osFamily,
                provisioningMode: input.provisioningMode,
                bootMode: input.bootMode,
              },
              { credentials },
            ),
        );
        ctx.logger.info(
          `${created ? 'Requested' : 'Already requested'} machine ${
            machine.namespace
          }/${machine.name} (${machine.id}), phase ${machine.phase}`,
        );
        machines.push(machine);
      }
      ctx.output(
        'machineIds',
        machines.map(m => m.id),
      );

      if (input.wait) {
        machines = await explained('wait for the machines', () =>
          waitForPhase({
            read: id => beskar7.getMachine(id, { credentials }),
            ids: machines.map(m => m.id),
            phase: 'Provisioned',
            timeoutSeconds: input.timeoutSeconds,
            pollIntervalMs,
            signal: ctx.signal,
            onReached: m => ctx.logger.info(`Machine ${m.name} is Provisioned`),
          }),
        );
      }
      const hostNames = await Promise.all(
        machines
          .filter(m => m.hostId !== undefined)
          .map(
            async m => (await beskar7.getHost(m.hostId!, { credentials })).name,
          ),
      );
      ctx.output('hostNames', hostNames);
      ctx.output(
        'summary',
        `${machines.length} machine(s) ${
          input.wait ? 'Provisioned' : 'requested'
        }${hostNames.length ? ` on ${hostNames.join(', ')}` : ''}`,
      );
    },
  });
}

function toRequirements(input: RequestInput): HostRequirements {
  return {
    pool: input.pool,
    selector: input.labelSelector,
    tags: input.tags,
    minCpuCores: input.minCpuCores,
    minMemoryGiB: input.minMemoryGiB,
    minDiskGiB: input.minDiskGiB,
    failureDomain: input.failureDomain,
  };
}

function machineNames(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);
}

/** A retry of the same task gets the same names. */
function prefixFromTask(taskId: string): string {
  const id = taskId.toLowerCase().replace(/[^a-z0-9]/g, '');
  return `task-${id}`.slice(0, MAX_PREFIX_LENGTH);
}
