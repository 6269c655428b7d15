import {
  createTemplateAction,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { MachineReleaseInput, MachineReleaseOutput } from './actionTypes';
import { beskar7MachineReleasePermission } from '@beskar7/backstage-plugin-beskar7-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { NotAllowedError } from '@backstage/errors';
import { z } from 'zod/v3';
import { explained } from './errors';
import { MachineActionOptions } from './requestMachine';
import { parseInput, releaseInput, releaseOutput } from './schema';
import { waitForPhase } from './waitForPhase';

/**
 * `beskar7:machine:release`: releases machines; their hosts are
 * deprovisioned and go back to their pool. Releasing twice is harmless.
 *
 * @public
 */
export function createMachineReleaseAction(
  options: MachineActionOptions,
): TemplateAction<MachineReleaseInput, MachineReleaseOutput, 'v2'> {
  const { beskar7, permissions, pollIntervalMs = 5000 } = options;
  return createTemplateAction({
    id: 'beskar7:machine:release',
    description:
      'Releases Beskar7 machines: their hosts are deprovisioned and returned to their pool. In a dry run, only checks that the machines exist and that the user may release them.',
    supportsDryRun: true,
    schema: { input: releaseInput, output: releaseOutput },
    async handler(ctx) {
      const input = parseInput(releaseInput(z), ctx.input);
      const credentials = await ctx.getInitiatorCredentials();

      if (ctx.isDryRun) {
        const [decision] = await permissions.authorize(
          [{ permission: beskar7MachineReleasePermission }],
          { credentials },
        );
        if (decision.result !== AuthorizeResult.ALLOW) {
          throw new NotAllowedError(
            `Missing permission ${beskar7MachineReleasePermission.name}`,
          );
        }
        const machines = await Promise.all(
          input.machineIds.map(id =>
            explained(`read machine ${id}`, () =>
              beskar7.getMachine(id, { credentials }),
            ),
          ),
        );
        ctx.output(
          'phases',
          machines.map(m => m.phase),
        );
        return;
      }

      let machines = [];
      for (const id of input.machineIds) {
        const machine = await explained(`release machine ${id}`, () =>
          beskar7.releaseMachine(id, { credentials }),
        );
        ctx.logger.info(`Machine ${machine.name} is ${machine.phase}`);
        machines.push(machine);
      }
      if (input.wait) {
        machines = await explained('wait for the release', () =>
          waitForPhase({
            read: id => beskar7.getMachine(id, { credentials }),
            ids: input.machineIds,
            phase: 'Released',
            timeoutSeconds: input.timeoutSeconds,
            pollIntervalMs,
            signal: ctx.signal,
          }),
        );
      }
      ctx.output(
        'phases',
        machines.map(m => m.phase),
      );
    },
  });
}
