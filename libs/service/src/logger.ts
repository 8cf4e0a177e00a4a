import { ConsoleLogger } from '@nestjs/common';
import { LOG_LEVELS, type ServiceSettings } from './service.settings';

/**
 * LOG_FORMAT=json gives one JSON object per line (for log shippers); the default is Nest's
 * readable format. LOG_LEVEL picks the most verbose level shown.
 */
export function createLogger(service: string, settings: Pick<ServiceSettings, 'logLevel' | 'logFormat'>): ConsoleLogger {
  const json = settings.logFormat === 'json';
  return new ConsoleLogger({
    prefix: service,
    json,
    colors: !json && process.stdout.isTTY === true,
    logLevels: LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(settings.logLevel) + 1),
  });
}
