import { Beskar7RunbookProcedure } from '@beskar7/backstage-plugin-beskar7-node';
import { RunbookDefinition } from './types';

/**
 * The built-in procedures and those backend modules added. A contributed
 * step gets the public part of the step context; an id used twice stops
 * start-up, since runs and links name procedures by id.
 */
export function withContributed(
  builtIn: RunbookDefinition[],
  contributed: Beskar7RunbookProcedure[],
): RunbookDefinition[] {
  const all: RunbookDefinition[] = [...builtIn, ...contributed];
  const seen = new Set<string>();
  for (const { id } of all) {
    if (seen.has(id)) {
      throw new Error(`Two runbook procedures have the id '${id}'`);
    }
    seen.add(id);
  }
  return all;
}
