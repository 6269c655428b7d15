/**
 * The part of Kubernetes' structural OpenAPI v3 schemas that the CRDs use:
 * types, required, enum, pattern, lengths, bounds, items, maps, defaults
 * and pruning of unknown fields. Enough to check objects the way the API
 * server does, without one.
 */
export interface StructuralSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: StructuralSchema | boolean;
  items?: StructuralSchema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  default?: unknown;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

/** What is wrong with `value`, as `path: message` lines; empty when valid. */
export function validateSchema(
  schema: StructuralSchema,
  value: unknown,
  path = '',
): string[] {
  const at = path || '<root>';
  if (value === undefined || value === null) return [];
  const typeError = checkType(schema.type, value);
  if (typeError) return [`${at}: ${typeError}`];
  const errors: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) {
    errors.push(
      `${at}: Unsupported value: ${JSON.stringify(
        value,
      )}: supported values: ${schema.enum
        .map(v => JSON.stringify(v))
        .join(', ')}`,
    );
  }
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) {
      errors.push(`${at}: should match '${schema.pattern}'`);
    }
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      errors.push(`${at}: should be at least ${schema.minLength} chars long`);
    }
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      errors.push(`${at}: may not be more than ${schema.maxLength} chars long`);
    }
    if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) {
      errors.push(`${at}: should be a date-time`);
    }
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) {
      errors.push(
        `${at}: should be greater than or equal to ${schema.minimum}`,
      );
    }
    if (schema.maximum !== undefined && value > schema.maximum) {
      errors.push(`${at}: should be less than or equal to ${schema.maximum}`);
    }
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      errors.push(`${at}: must have at most ${schema.maxItems} items`);
    }
    value.forEach((item, i) =>
      errors.push(...validateSchema(schema.items ?? {}, item, `${path}[${i}]`)),
    );
  } else if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (obj[key] === undefined)
        errors.push(`${join(path, key)}: Required value`);
    }
    for (const [key, child] of Object.entries(obj)) {
      const childSchema =
        schema.properties?.[key] ??
        (typeof schema.additionalProperties === 'object'
          ? schema.additionalProperties
          : undefined);
      if (childSchema) {
        errors.push(...validateSchema(childSchema, child, join(path, key)));
      }
    }
  }
  return errors;
}

/** Fills in defaults and drops fields the schema does not know, as the API server does on write. */
export function defaultAndPrune(
  schema: StructuralSchema,
  value: unknown,
): unknown {
  if (Array.isArray(value)) {
    return schema.items
      ? value.map(v => defaultAndPrune(schema.items!, v))
      : value;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (schema['x-kubernetes-preserve-unknown-fields']) return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const current = obj[key] === undefined ? child.default : obj[key];
    if (current !== undefined) out[key] = defaultAndPrune(child, current);
  }
  if (schema.additionalProperties) {
    const child =
      typeof schema.additionalProperties === 'object'
        ? schema.additionalProperties
        : {};
    for (const [key, v] of Object.entries(obj)) {
      if (!(key in out)) out[key] = defaultAndPrune(child, v);
    }
  }
  return out;
}

function checkType(type: StructuralSchema['type'], value: unknown) {
  switch (type) {
    case undefined:
      return undefined;
    case 'object':
      return typeof value === 'object' && !Array.isArray(value)
        ? undefined
        : 'must be of type object';
    case 'array':
      return Array.isArray(value) ? undefined : 'must be of type array';
    case 'integer':
      return Number.isInteger(value) ? undefined : 'must be of type integer';
    case 'number':
      return typeof value === 'number' ? undefined : 'must be of type number';
    default:
      return typeof value === type ? undefined : `must be of type ${type}`;
  }
}

function join(path: string, key: string) {
  return path ? `${path}.${key}` : key;
}
