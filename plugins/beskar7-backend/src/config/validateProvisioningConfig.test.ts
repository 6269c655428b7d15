import { ConfigReader } from '@backstage/config';
import { PROFILE_DEFAULTS } from './profiles';
import {
  ProvisioningConfigError,
  readProvisioningConfig,
} from './readProvisioningConfig';
import { validateProvisioningConfig } from './validateProvisioningConfig';

const K = 'beskar7.provisioning';

function errorsOf(fragment: unknown) {
  const result = validateProvisioningConfig(fragment);
  return result.ok ? [] : result.errors;
}

describe('validateProvisioningConfig', () => {
  it('fills the development profile when nothing is set', () => {
    const result = validateProvisioningConfig(undefined);
    expect(result.ok && result.config).toEqual({
      profile: 'development',
      ...PROFILE_DEFAULTS.development,
    });
  });

  it.each(['development', 'staging', 'production'] as const)(
    'takes the %s profile and overrides single keys',
    profile => {
      const result = validateProvisioningConfig({
        profile,
        maxConcurrentOps: 5,
        bmcCooldownPeriod: '2m',
        vendorCooldownPeriods: { Dell: '30s' },
        retry: { maxRetries: 1 },
      });
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.config).toEqual({
        ...PROFILE_DEFAULTS[profile],
        profile,
        maxConcurrentOps: 5,
        bmcCooldownMs: 120_000,
        vendorCooldownMs: { dell: 30_000 },
        retry: { ...PROFILE_DEFAULTS[profile].retry, maxRetries: 1 },
      });
    },
  );

  it('parses every duration unit', () => {
    const result = validateProvisioningConfig({
      operationTimeout: '1h',
      leaseDuration: '1.5s',
      pollInterval: '250ms',
      stuckStateTimeout: '10m',
      reconcileInterval: '5s',
      retry: { initialBackoff: '0s', maxBackoff: '2m' },
    });
    expect(result.ok && result.config).toMatchObject({
      operationTimeoutMs: 3_600_000,
      leaseDurationMs: 1_500,
      pollIntervalMs: 250,
      stuckStateTimeoutMs: 600_000,
      reconcileIntervalMs: 5_000,
      retry: { initialBackoffMs: 0, maxBackoffMs: 120_000 },
    });
  });

  it.each([
    ['maxQueueSize', 0, 'must be an integer from 1 to 100000, got 0'],
    ['maxQueueSize', 1.5, 'must be an integer from 1 to 100000, got 1.5'],
    ['workerCount', 0, 'must be an integer from 1 to 100, got 0'],
    ['workerCount', '4', 'must be an integer from 1 to 100, got "4"'],
    ['maxConcurrentOps', 0, 'must be an integer from 1 to 20, got 0'],
    ['maxConcurrentOps', 21, 'must be an integer from 1 to 20, got 21'],
    ['maxConcurrentOps', -3, 'must be an integer from 1 to 20, got -3'],
    [
      'bmcCooldownPeriod',
      '11m',
      'must be a duration like 10s or 5m, from 0s to 10m, got "11m"',
    ],
    [
      'bmcCooldownPeriod',
      10,
      'must be a duration like 10s or 5m, from 0s to 10m, got 10',
    ],
    [
      'operationTimeout',
      '10 minutes',
      'must be a duration like 10s or 5m, from 100ms to 2h, got "10 minutes"',
    ],
    [
      'leaseDuration',
      '100ms',
      'must be a duration like 10s or 5m, from 200ms to 10m, got "100ms"',
    ],
    [
      'pollInterval',
      '2m',
      'must be a duration like 10s or 5m, from 10ms to 1m, got "2m"',
    ],
    [
      'stuckStateTimeout',
      '25h',
      'must be a duration like 10s or 5m, from 1s to 24h, got "25h"',
    ],
    [
      'reconcileInterval',
      '-1s',
      'must be a duration like 10s or 5m, from 100ms to 1h, got "-1s"',
    ],
  ])('rejects %s = %j', (key, value, message) => {
    expect(errorsOf({ [key]: value })).toEqual([
      { key: `${K}.${key}`, message },
    ]);
  });

  it.each([
    ['maxRetries', 21, 'must be an integer from 0 to 20, got 21'],
    [
      'initialBackoff',
      'soon',
      'must be a duration like 10s or 5m, from 0s to 1h, got "soon"',
    ],
    [
      'maxBackoff',
      '2h',
      'must be a duration like 10s or 5m, from 0s to 1h, got "2h"',
    ],
  ])('rejects retry.%s = %j', (key, value, message) => {
    expect(errorsOf({ retry: { [key]: value } })).toEqual([
      { key: `${K}.retry.${key}`, message },
    ]);
  });

  it('rejects a vendor cooldown, an unknown key, a bad profile and backoffs out of order', () => {
    expect(
      errorsOf({
        profile: 'huge',
        vendorCooldownPeriods: { hpe: '1d' },
        maxConcurentOps: 3,
        retry: { initialBackoff: '1m', maxBackoff: '10s', jitter: true },
      }),
    ).toEqual([
      {
        key: `${K}.profile`,
        message: 'must be one of development, staging, production',
      },
      { key: `${K}.maxConcurentOps`, message: 'is not a known key' },
      { key: `${K}.retry.jitter`, message: 'is not a known key' },
      {
        key: `${K}.vendorCooldownPeriods.hpe`,
        message: 'must be a duration like 10s or 5m, from 0s to 10m, got "1d"',
      },
      {
        key: `${K}.retry.maxBackoff`,
        message: 'must be at least retry.initialBackoff (1m)',
      },
    ]);
  });

  it('rejects a fragment that is not an object', () => {
    expect(errorsOf(5)).toEqual([{ key: K, message: 'must be an object' }]);
    expect(errorsOf({ retry: 3 })).toEqual([
      { key: `${K}.retry`, message: 'must be an object' },
    ]);
  });
});

describe('readProvisioningConfig', () => {
  it('throws an error naming the key and the allowed range', () => {
    const config = new ConfigReader({
      beskar7: { provisioning: { maxConcurrentOps: 50 } },
    });
    expect(() => readProvisioningConfig(config)).toThrow(
      ProvisioningConfigError,
    );
    expect(() => readProvisioningConfig(config)).toThrow(
      'Invalid provisioning configuration: beskar7.provisioning.maxConcurrentOps must be an integer from 1 to 20, got 50',
    );
  });

  it('reads a valid config', () => {
    const config = new ConfigReader({
      beskar7: { provisioning: { profile: 'production', workerCount: 3 } },
    });
    expect(readProvisioningConfig(config)).toMatchObject({
      profile: 'production',
      workerCount: 3,
      maxConcurrentOps: 20,
    });
  });
});
