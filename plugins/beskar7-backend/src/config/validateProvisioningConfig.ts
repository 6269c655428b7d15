import { formatDuration, parseDuration } from './duration';
import { PROFILE_DEFAULTS } from './profiles';
import {
  ConfigFieldError,
  PROVISIONING_PROFILES,
  ProvisioningConfig,
  ProvisioningProfile,
} from './types';

export const PROVISIONING_CONFIG_KEY = 'beskar7.provisioning';

type Range = { min: number; max: number };
type FieldSpec = Range & {
  kind: 'integer' | 'duration';
  /** Reads the field's value out of a (default) config. */
  get(config: ProvisioningConfig): number;
  set(config: ProvisioningConfig, value: number): void;
};

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const COOLDOWN_RANGE: Range = { min: 0, max: 10 * MINUTE };

/** Every numeric key, its kind and allowed range: the one place limits are written down. */
const FIELDS: Record<string, FieldSpec> = {
  maxQueueSize: {
    kind: 'integer',
    min: 1,
    max: 100_000,
    get: c => c.maxQueueSize,
    set: (c, v) => (c.maxQueueSize = v),
  },
  workerCount: {
    kind: 'integer',
    min: 1,
    max: 100,
    get: c => c.workerCount,
    set: (c, v) => (c.workerCount = v),
  },
  maxConcurrentOps: {
    kind: 'integer',
    min: 1,
    max: 20,
    get: c => c.maxConcurrentOps,
    set: (c, v) => (c.maxConcurrentOps = v),
  },
  bmcCooldownPeriod: {
    kind: 'duration',
    ...COOLDOWN_RANGE,
    get: c => c.bmcCooldownMs,
    set: (c, v) => (c.bmcCooldownMs = v),
  },
  operationTimeout: {
    kind: 'duration',
    min: 100,
    max: 2 * HOUR,
    get: c => c.operationTimeoutMs,
    set: (c, v) => (c.operationTimeoutMs = v),
  },
  leaseDuration: {
    kind: 'duration',
    min: 200,
    max: 10 * MINUTE,
    get: c => c.leaseDurationMs,
    set: (c, v) => (c.leaseDurationMs = v),
  },
  pollInterval: {
    kind: 'duration',
    min: 10,
    max: MINUTE,
    get: c => c.pollIntervalMs,
    set: (c, v) => (c.pollIntervalMs = v),
  },
  stuckStateTimeout: {
    kind: 'duration',
    min: SECOND,
    max: 24 * HOUR,
    get: c => c.stuckStateTimeoutMs,
    set: (c, v) => (c.stuckStateTimeoutMs = v),
  },
  reconcileInterval: {
    kind: 'duration',
    min: 100,
    max: HOUR,
    get: c => c.reconcileIntervalMs,
    set: (c, v) => (c.reconcileIntervalMs = v),
  },
  powerPollInterval: {
    kind: 'duration',
    min: 100,
    max: 24 * HOUR,
    get: c => c.powerPollIntervalMs,
    set: (c, v) => (c.powerPollIntervalMs = v),
  },
  'retry.maxRetries': {
    kind: 'integer',
    min: 0,
    max: 20,
    get: c => c.retry.maxRetries,
    set: (c, v) => (c.retry.maxRetries = v),
  },
  'retry.initialBackoff': {
    kind: 'duration',
    min: 0,
    max: HOUR,
    get: c => c.retry.initialBackoffMs,
    set: (c, v) => (c.retry.initialBackoffMs = v),
  },
  'retry.maxBackoff': {
    kind: 'duration',
    min: 0,
    max: HOUR,
    get: c => c.retry.maxBackoffMs,
    set: (c, v) => (c.retry.maxBackoffMs = v),
  },
};

const OBJECT_KEYS = new Set(['retry', 'vendorCooldownPeriods', 'profile']);

export type ValidationResult =
  | { ok: true; config: ProvisioningConfig; errors: [] }
  | { ok: false; errors: ConfigFieldError[] };

/**
 * Checks a `beskar7.provisioning` fragment (plain JSON, as app-config or a
 * request body holds it) and fills the chosen profile's defaults. Pure: it
 * backs both start-up validation and `POST /config/validate`.
 */
export function validateProvisioningConfig(input: unknown): ValidationResult {
  const errors: ConfigFieldError[] = [];
  const fail = (key: string, message: string) =>
    errors.push({ key: `${PROVISIONING_CONFIG_KEY}.${key}`, message });

  const fragment = input ?? {};
  if (!isObject(fragment)) {
    return {
      ok: false,
      errors: [{ key: PROVISIONING_CONFIG_KEY, message: 'must be an object' }],
    };
  }

  const requested = fragment.profile ?? 'development';
  const known = PROVISIONING_PROFILES.includes(
    requested as ProvisioningProfile,
  );
  if (!known) {
    fail('profile', `must be one of ${PROVISIONING_PROFILES.join(', ')}`);
  }
  // An unknown name such as "constructor" must not reach PROFILE_DEFAULTS' prototype.
  const profile = known ? (requested as ProvisioningProfile) : 'development';
  const config: ProvisioningConfig = structuredClone({
    profile,
    ...PROFILE_DEFAULTS[profile],
  });

  const retry = fragment.retry;
  if (retry !== undefined && !isObject(retry))
    fail('retry', 'must be an object');
  const present = flatten(fragment, isObject(retry) ? retry : {});
  for (const key of present.unknown) fail(key, 'is not a known key');

  for (const [key, value] of present.values) {
    const spec = FIELDS[key];
    const parsed = parseField(spec, value);
    if (parsed === undefined) fail(key, describe(spec, value));
    else spec.set(config, parsed);
  }

  const vendors = fragment.vendorCooldownPeriods;
  if (vendors !== undefined) {
    if (!isObject(vendors)) {
      fail('vendorCooldownPeriods', 'must map vendor ids to durations');
    } else {
      for (const [vendor, value] of Object.entries(vendors)) {
        const spec: FieldSpec = { ...FIELDS.bmcCooldownPeriod };
        const parsed = parseField(spec, value);
        if (parsed === undefined) {
          fail(`vendorCooldownPeriods.${vendor}`, describe(spec, value));
        } else {
          config.vendorCooldownMs[vendor.toLowerCase()] = parsed;
        }
      }
    }
  }

  if (config.retry.maxBackoffMs < config.retry.initialBackoffMs) {
    fail(
      'retry.maxBackoff',
      `must be at least retry.initialBackoff (${formatDuration(
        config.retry.initialBackoffMs,
      )})`,
    );
  }
  return errors.length === 0
    ? { ok: true, config, errors: [] }
    : { ok: false, errors };
}

function flatten(
  fragment: Record<string, unknown>,
  retry: Record<string, unknown>,
) {
  const values: Array<[string, unknown]> = [];
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(fragment)) {
    if (FIELDS[key]) values.push([key, value]);
    else if (!OBJECT_KEYS.has(key)) unknown.push(key);
  }
  for (const [key, value] of Object.entries(retry)) {
    const full = `retry.${key}`;
    if (FIELDS[full]) values.push([full, value]);
    else unknown.push(full);
  }
  return { values, unknown };
}

function parseField(spec: FieldSpec, value: unknown): number | undefined {
  const isInteger = typeof value === 'number' && Number.isInteger(value);
  const integer = isInteger ? value : undefined;
  const parsed = spec.kind === 'duration' ? parseDuration(value) : integer;
  if (parsed === undefined || parsed < spec.min || parsed > spec.max) {
    return undefined;
  }
  return parsed;
}

function describe(spec: FieldSpec, value: unknown): string {
  const shown = JSON.stringify(value) ?? String(value);
  // Echo enough of the value to recognise it, never a whole huge body.
  const got = `got ${
    shown.length > 100
      ? `${shown.slice(0, 100)}... (${shown.length} chars)`
      : shown
  }`;
  if (spec.kind === 'integer') {
    return `must be an integer from ${spec.min} to ${spec.max}, ${got}`;
  }
  return `must be a duration like 10s or 5m, from ${formatDuration(
    spec.min,
  )} to ${formatDuration(spec.max)}, ${got}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
