import { InputError, isError } from '@backstage/errors';
import { ErrorRequestHandler } from 'express';
import { spec } from '../schema/openapi.generated';

/** What each pattern of the spec asks for, in words: its `x-problem`. */
const PATTERN_PROBLEMS = new Map<string, string>();
(function collect(node: unknown) {
  if (typeof node !== 'object' || node === null) return;
  const { pattern, 'x-problem': problem } = node as Record<string, unknown>;
  if (typeof pattern === 'string' && typeof problem === 'string') {
    PATTERN_PROBLEMS.set(pattern, problem);
  }
  Object.values(node).forEach(collect);
})(spec);

/**
 * One problem the spec's validator found, as the plugin words it:
 * `prefix: must be lowercase ...`, `imageUrl: is required`. `path` leads to
 * the value (`['bmc', 'address']`), `text` is the validator's message.
 */
export function describeSpecProblem(path: string[], text: string): string {
  const { field, problem } = fieldAndProblem(path, text);
  return field ? `${field}: ${problem}` : problem;
}

function fieldAndProblem(path: string[], text: string) {
  const field = [...path];
  let problem = text;
  const required = /^must have required property '([^']+)'$/.exec(problem);
  if (required) {
    field.push(required[1]);
    problem = 'is required';
  }
  const pattern = /^must match pattern "(.+)"$/.exec(problem);
  if (pattern) problem = PATTERN_PROBLEMS.get(pattern[1]) ?? problem;
  return { field: field.join('.'), problem };
}

/**
 * Rewrites the spec validator's message (`request/body/prefix must match
 * pattern "..."`, one per problem, comma-separated) in the form the plugin's
 * own validation uses and its clients split by field:
 * `Invalid request: prefix: must be lowercase ...; imageUrl: is required`.
 * A message that is not the validator's comes back unchanged.
 */
export function describeSpecErrors(message: string): string {
  if (!message.startsWith('request/')) return message;
  const problems = message.split(/, (?=request\/)/).map(problem => {
    const match =
      /^request\/(?:body|query|params|headers)((?:\/\S*)?) (.+)$/.exec(problem);
    if (!match) return problem;
    const { field, problem: words } = fieldAndProblem(
      match[1].split('/').filter(Boolean),
      match[2],
    );
    return field ? `${field}: ${words}` : problem;
  });
  return `Invalid request: ${problems.join('; ')}`;
}

/** Puts the spec validator's 400s in the plugin's own words. */
export const specErrors: ErrorRequestHandler = (error, _req, _res, next) => {
  if (isError(error) && error.name === 'InputError') {
    const described = describeSpecErrors(error.message);
    if (described !== error.message) {
      next(new InputError(described));
      return;
    }
  }
  next(error);
};
