import { InputError } from '@backstage/errors';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { spec } from '../schema/openapi.generated';

/** The spec's component schemas. */
export type SpecSchema = keyof typeof spec.components.schemas;

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
 * One problem the spec's validator found, as the plugin words it: the field
 * (`bmc.address`, empty for the whole input) and what is wrong with it.
 * `path` leads to the value, `text` is the validator's message.
 */
export function fieldAndProblem(path: string[], text: string) {
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

// As the router's validator reads the spec: every problem, defaults filled
// in, OpenAPI's own keywords (nullable, example, x-...) allowed.
const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true });
ajv.addSchema({ components: spec.components }, 'spec');

function schemaOf(schema: SpecSchema): ValidateFunction {
  return ajv.getSchema(`spec#/components/schemas/${schema}`)!;
}

function problemsOf(validate: ValidateFunction, value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map(describe);
}

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
  const value = structuredClone(input);
  const problems = problemsOf(schemaOf(schema), value);
  if (problems.length > 0) {
    throw new InputError(`Invalid ${what}: ${problems.join('; ')}`);
  }
  return value as T;
}

type Operation = { requestBody?: { content: Record<string, { schema: any }> } };
const operations = Object.entries(spec.paths).map(([template, item]) => ({
  pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}/?$`),
  item: item as Record<string, Operation>,
}));

/**
 * The fields of a request body that its schema does not have, each as
 * `bmc.password: is not allowed` (the router's validator says only that
 * there are some).
 */
export function unknownBodyFields(
  method: string,
  path: string,
  body: unknown,
): string[] {
  const operation = operations.find(o => o.pattern.test(path))?.item[
    method.toLowerCase()
  ];
  const ref: unknown =
    operation?.requestBody?.content['application/json']?.schema?.$ref;
  if (typeof ref !== 'string') return [];
  const validate = schemaOf(ref.split('/').pop() as SpecSchema);
  validate(structuredClone(body));
  return (validate.errors ?? [])
    .filter(e => e.keyword === 'additionalProperties')
    .map(describe);
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
  const described = (field: string[], text: string) => {
    const { field: name, problem } = fieldAndProblem(field, text);
    return name ? `${name}: ${problem}` : problem;
  };
  if (additionalProperty !== undefined) {
    return described([...path, additionalProperty], 'is not allowed');
  }
  const text = allowedValues
    ? `${error.message}: ${allowedValues.join(', ')}`
    : error.message ?? 'is invalid';
  return described(path, text);
}
