import { InputError, isError } from '@backstage/errors';
import { ErrorRequestHandler } from 'express';
import { fieldAndProblem, unknownBodyFields } from './specSchemas';

const ADDITIONAL = 'must NOT have additional properties';

/**
 * Rewrites the spec validator's message (`request/body/prefix must match
 * pattern "..."`, one per problem, comma-separated) in the form the plugin's
 * own validation uses and its clients split by field:
 * `Invalid request: prefix: must be lowercase ...; imageUrl: is required`.
 * The validator does not say which fields are unknown: `unknownFields`,
 * when given, names them (`bmc.password: is not allowed`). A message that is
 * not the validator's comes back unchanged.
 */
export function describeSpecErrors(
  message: string,
  unknownFields: string[] = [],
): string {
  if (!message.startsWith('request/')) return message;
  let named = false;
  const problems = message.split(/, (?=request\/)/).flatMap(problem => {
    const match =
      /^request\/(?:body|query|params|headers)((?:\/\S*)?) (.+)$/.exec(problem);
    if (!match) return [problem];
    if (match[2] === ADDITIONAL && unknownFields.length > 0) {
      // Every unknown field of the body, once.
      if (named) return [];
      named = true;
      return unknownFields;
    }
    const { field, problem: words } = fieldAndProblem(
      match[1].split('/').filter(Boolean),
      match[2],
    );
    return [field ? `${field}: ${words}` : problem];
  });
  return `Invalid request: ${problems.join('; ')}`;
}

/** Puts the spec validator's 400s in the plugin's own words. */
export const specErrors: ErrorRequestHandler = (error, req, _res, next) => {
  if (isError(error) && error.name === 'InputError') {
    const unknownFields = error.message.includes(ADDITIONAL)
      ? unknownBodyFields(req.method, req.path, req.body)
      : [];
    const described = describeSpecErrors(error.message, unknownFields);
    if (described !== error.message) {
      next(new InputError(described));
      return;
    }
  }
  next(error);
};
