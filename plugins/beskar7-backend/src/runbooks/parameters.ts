import { InputError } from '@backstage/errors';
import { RunbookParameter } from '@beskar7/backstage-plugin-beskar7-common';
import { ParameterValues } from './types';

/**
 * Checks a run's parameters against the runbook's declaration and fills in
 * defaults. Throws an InputError naming every bad field and why.
 */
export function resolveParameters(
  declared: RunbookParameter[],
  given: Record<string, unknown> = {},
): ParameterValues {
  const problems: string[] = [];
  const values: ParameterValues = {};
  const known = new Set(declared.map(p => p.name));
  for (const name of Object.keys(given)) {
    if (!known.has(name)) problems.push(`${name}: unknown parameter`);
  }
  for (const p of declared) {
    const value = given[p.name] ?? p.default;
    if (value === undefined || value === '') {
      if (p.required) problems.push(`${p.name}: required`);
      continue;
    }
    if (
      typeof value !== p.type ||
      (p.type === 'number' && !Number.isFinite(value))
    ) {
      problems.push(`${p.name}: must be a ${p.type}`);
      continue;
    }
    if (p.enum && !p.enum.includes(value as string)) {
      problems.push(`${p.name}: must be one of ${p.enum.join(', ')}`);
      continue;
    }
    values[p.name] = value as string | number | boolean;
  }
  if (problems.length) {
    throw new InputError(`Invalid runbook parameters: ${problems.join('; ')}`);
  }
  return values;
}
