import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Level, type Logger as Pino } from 'pino';
import type { LOG_LEVELS, ServiceSettings } from './service.settings';

type NestLevel = (typeof LOG_LEVELS)[number];

/** LOG_LEVEL keeps Nest's names (the setting predates pino); pino's own are written. */
const PINO_LEVEL: Record<NestLevel, Level> = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

/**
 * Nest's start-up chatter (a line per module, controller and route) is for whoever debugs the
 * framework: at debug, so that a start says one line per service.
 */
const FRAMEWORK_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication', 'NestMicroservice']);

/** Where lines go: stdout by default; a test passes its own stream. */
export interface LogDestination {
  write(line: string): unknown;
}

/**
 * The service's logger: pino behind Nest's `LoggerService`, so Nest, the transport (through
 * `Log`) and the apps all write through it.
 *
 * - LOG_FORMAT=json: one JSON object a line, `{"level":"info","time":"<ISO-8601>","service":…,
 *   "context":…,"msg":…}` plus the line's fields (`event_id`, `event_type`, `trigger`, `trace_id`).
 * - LOG_FORMAT=text: the same entries as readable lines (formatText), coloured on a terminal.
 *
 * LOG_LEVEL picks the most verbose level written.
 */
export function createLogger(
  service: string,
  settings: Pick<ServiceSettings, 'logLevel' | 'logFormat'>,
  destination: LogDestination = pino.destination({ dest: 1, sync: true }),
  colors = process.stdout.isTTY === true,
): ServiceLogger {
  const out: DestinationStream =
    settings.logFormat === 'json' ? destination : { write: (line: string) => void destination.write(formatText(JSON.parse(line) as LogEntry, colors)) };
  const logger = pino(
    {
      level: PINO_LEVEL[settings.logLevel],
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    out,
  );
  return new ServiceLogger(logger, service);
}

/**
 * Nest calls `log(message, ...params)` with the context last (a `Logger`'s name) and, for
 * errors, a stack before it; the transport passes its fields object first (`Log`).
 */
export class ServiceLogger implements LoggerService {
  constructor(
    private readonly pino: Pino,
    private readonly service: string,
  ) {}

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    let context: string | undefined;
    const last = params.at(-1);
    if (typeof last === 'string' && !looksLikeStack(last)) {
      context = last;
      params = params.slice(0, -1);
    }
    if (level === 'info' && context !== undefined && FRAMEWORK_CONTEXTS.has(context)) level = 'debug';
    if (!this.pino.isLevelEnabled(level)) return;
    // The service's own logger is named after it; its name is already the `service` field.
    const line: Record<string, unknown> = context !== undefined && context !== this.service ? { context } : {};
    for (const param of params) {
      if (typeof param === 'string') line.stack = param;
      else if (param instanceof Error) line.stack = param.stack;
      else if (param !== null && typeof param === 'object') Object.assign(line, param);
    }
    if (message instanceof Error) {
      line.stack ??= message.stack;
      message = message.message;
    }
    this.pino[level](line, typeof message === 'string' ? message : JSON.stringify(message));
  }
}

function looksLikeStack(text: string): boolean {
  return /\n\s+at /.test(text);
}

/** One line as pino writes it. */
export interface LogEntry {
  level: Level;
  time: string;
  service: string;
  msg: string;
  context?: string;
  stack?: string;
  [field: string]: unknown;
}

const LEVEL_COLOR: Record<Level, number> = { fatal: 35, error: 31, warn: 33, info: 32, debug: 34, trace: 90 };
const paint = (colors: boolean, code: number, text: string) => (colors ? `\x1b[${code}m${text}\x1b[0m` : text);

/**
 * A readable line: `HH:MM:SS.mmm LEVEL [context] message key=value…`, the stack on the lines
 * after. The service is not repeated on each line: its start-up line names it, and `npm start`
 * prefixes every line with it.
 */
export function formatText(entry: LogEntry, colors: boolean): string {
  const { level, time, service: _service, msg, context, stack, ...fields } = entry;
  const clock = time.slice(11, 23);
  const parts = [paint(colors, 90, clock), paint(colors, LEVEL_COLOR[level], level.toUpperCase().padEnd(5))];
  if (context) parts.push(paint(colors, 36, `[${context}]`));
  parts.push(msg);
  const pairs = Object.entries(fields).map(([key, value]) => `${key}=${typeof value === 'string' && /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)}`);
  if (pairs.length > 0) parts.push(paint(colors, 2, pairs.join(' ')));
  return `${parts.join(' ')}\n${stack ? `${stack}\n` : ''}`;
}
