import { LoggerService } from '@backstage/backend-plugin-api';

/** The value below which a share `p` of the sorted samples lies (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/** Keeps warnings and errors, so that a drill can search them (for secrets) and count them. */
export class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];

  error(message: string, meta?: Error | object) {
    this.record('error', message, meta);
  }

  warn(message: string, meta?: Error | object) {
    this.record('warn', message, meta);
  }

  info() {}

  debug() {}

  child(): LoggerService {
    return this;
  }

  private record(level: string, message: string, meta?: Error | object) {
    this.lines.push(
      `${level}: ${message}${meta ? ` ${JSON.stringify(meta)}` : ''}`,
    );
  }
}

/**
 * Whether a missed timing target fails the drill. Off by default: timings on
 * a shared CI machine vary with its load, so the short forms in the test
 * command print misses and fail only on broken invariants; set
 * BESKAR7_DRILL_ENFORCE_TARGETS=1 on a quiet machine to make them count.
 */
export const ENFORCE_TARGETS =
  process.env.BESKAR7_DRILL_ENFORCE_TARGETS === '1';

/** Reports a missed timing target; returns it when it must fail the drill. */
export function targetMissed(message: string): string[] {
  console.log(
    `TARGET MISSED${ENFORCE_TARGETS ? '' : ' (reported only)'}: ${message}`,
  );
  return ENFORCE_TARGETS ? [message] : [];
}
