import { LoggerService } from '@backstage/backend-plugin-api';
import { inspect } from 'node:util';

/** A logger that keeps everything it is given, level first, meta included. */
export function capturingLogger(lines: string[]): LoggerService {
  const log =
    (level: string) =>
    (message: string, meta?: Error | Record<string, unknown>) =>
      lines.push(`${level} ${message} ${inspect(meta, { depth: 10 })}`);
  const logger: LoggerService = {
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    child: () => logger,
  };
  return logger;
}
