import { InputError, isError } from '@backstage/errors';
import { ErrorRequestHandler } from 'express';
import { DNS_LABEL } from './validation';

/** What each pattern of the spec asks for, in words. */
const PATTERN_PROBLEMS = new Map([
  [DNS_LABEL.pattern.source, DNS_LABEL.problem],
]);

/**
 * Rewrites the spec validator's message (`request/body/prefix must match
 * pattern "..."`, one per problem, comma-separated) in the form the plugin's
 * own validation uses and its clients split by field:
 * `Invalid request: prefix: must be lowercase ...; imageUrl: is required`.
 * A message that is not the validator's comes back unchanged.
 */
export function describeSpecErrors(message: string): string {
  if (!message.startsWith('request/')) return message;
  const problems = message.split(/, (?=request\/)/).map(describeProblem);
  return `Invalid request: ${problems.join('; ')}`;
}

function describeProblem(problem: string): string {
  const match =
    /^request\/(?:body|query|params|headers)((?:\/\S*)?) (.+)$/.exec(problem);
  if (!match) return problem;
  const path = match[1].split('/').filter(Boolean);
  let text = match[2];
  const required = /^must have required property '([^']+)'$/.exec(text);
  if (required) {
    path.push(required[1]);
    text = 'is required';
  }
  const pattern = /^must match pattern "(.+)"$/.exec(text);
  if (pattern) text = PATTERN_PROBLEMS.get(pattern[1]) ?? text;
  return path.length ? `${path.join('.')}: ${text}` : problem;
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
