import { InputError } from '@backstage/errors';
import Ajv, { ErrorObject } from 'ajv';
import { spec } from '../schema/openapi.generated';
import { describeSpecProblem } from './specErrors';

/** The spec's component schemas. */
export type SpecSchema = keyof typeof spec.components.schemas;

// As the router's validator reads the spec: every problem, defaults filled
// in, OpenAPI's own keywords (nullable, example, x-...) allowed.
const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true });
ajv.addSchema({ components: spec.components }, 'spec');

/**
 * Checks input that does not come through the router (Kubernetes objects,
 * actions) against a schema of the spec, as the router checks requests:
 * an InputError names every bad field. Returns a copy with the spec's
 * defaults filled in.
 */
export function checkSpecSchema<T>(
  schema: SpecSchema,
  input: unknown,
  what: string,
): T {
  const validate = ajv.getSchema(`spec#/components/schemas/${schema}`)!;
  const value = structuredClone(input);
  if (!validate(value)) {
    const problems = (validate.errors ?? []).map(describe);
    throw new InputError(`Invalid ${what}: ${problems.join('; ')}`);
  }
  return value as T;
}

function describe(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .filter(Boolean)
    .map(part => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const { additionalProperty, allowedValues } = error.params as {
    additionalProperty?: string;
    allowedValues?: unknown[];
  };
  if (additionalProperty !== undefined) {
    return describeSpecProblem([...path, additionalProperty], 'is not allowed');
  }
  const text = allowedValues
    ? `${error.message}: ${allowedValues.join(', ')}`
    : error.message ?? 'is invalid';
  return describeSpecProblem(path, text);
}
