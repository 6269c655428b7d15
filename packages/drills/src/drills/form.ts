import { parseArgs, ParseArgsConfig } from 'node:util';

/**
 * A drill's command line: `--long` (or BESKAR7_DRILL_LONG=1) picks the long
 * form; `--pg-url` the PostgreSQL server, BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
 * by default, as the tests use.
 */
export function readDrillArgs<
  O extends NonNullable<ParseArgsConfig['options']>,
>(options: O) {
  const { values } = parseArgs({
    options: {
      ...options,
      long: { type: 'boolean', default: false },
      'pg-url': {
        type: 'string',
        default:
          process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
          'postgresql://postgres@127.0.0.1:5432',
      },
    },
  });
  const common = values as { long?: boolean; 'pg-url'?: string };
  const long = Boolean(common.long) || process.env.BESKAR7_DRILL_LONG === '1';
  return {
    values,
    long,
    form: long ? 'long' : 'short',
    pgUrl: String(common['pg-url']),
  };
}

/** A positive integer option, or `fallback` when absent; anything else stops the drill naming the option. */
export function positiveInteger(
  name: string,
  value: unknown,
  fallback: number,
  max = 2 ** 31 - 1,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    usageError(`--${name} must be an integer from 1 to ${max}, got ${value}`);
  }
  return n;
}

/** Stops the drill on a bad option, naming it (exit code 2, as for a usage error). */
export function usageError(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}
