import { ConsoleLogger, LogLevel } from '@nestjs/common';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * LOG_FORMAT=json gives one JSON object per line (for log shippers); the default is Nest's
 * readable format. LOG_LEVEL picks the most verbose level shown (default: log).
 */
export function createLogger(service: string, env: NodeJS.ProcessEnv = process.env): ConsoleLogger {
  const level = (env.LOG_LEVEL ?? 'log') as LogLevel;
  const index = LEVELS.indexOf(level);
  return new ConsoleLogger({
    prefix: service,
    json: env.LOG_FORMAT === 'json',
    colors: env.LOG_FORMAT !== 'json' && process.stdout.isTTY === true,
    logLevels: LEVELS.slice(0, index < 0 ? 4 : index + 1),
  });
}
