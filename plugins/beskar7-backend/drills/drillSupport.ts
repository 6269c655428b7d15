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
