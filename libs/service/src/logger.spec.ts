import 'reflect-metadata';
import { ConsoleLogger, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createEvent } from '@seldon-eventing/cloudevents';
import { eventFields } from '@seldon-eventing/transport';
import { createLogger, formatText, type LogEntry } from './logger';
import type { ServiceSettings } from './service.settings';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** The service's logger writing to memory: pino's real output, line by line. */
function capture(settings: Pick<ServiceSettings, 'logLevel' | 'logFormat'>, colors = false) {
  const lines: string[] = [];
  const logger = createLogger('broker', settings, { write: (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)) }, colors);
  return { logger, lines, json: () => lines.map((line) => JSON.parse(line) as LogEntry) };
}

describe('the service logger', () => {
  // Nest's `Logger`s (what services and the transport hold) write through the service's logger,
  // as in a running service.
  afterEach(() => Logger.overrideLogger(new ConsoleLogger()));

  it('writes one JSON object a line: ISO-8601 time, service, level name, message, context', () => {
    const { logger, lines, json } = capture({ logLevel: 'log', logFormat: 'json' });
    Logger.overrideLogger(logger);
    new Logger('KafkaBus').warn('disconnect: gone');
    new Logger('broker').log('broker listening on http://0.0.0.0:8080');
    expect(lines).toHaveLength(2);
    const [warning, start] = json();
    expect(Object.keys(warning)).toEqual(['level', 'time', 'service', 'context', 'msg']);
    expect(warning).toMatchObject({ level: 'warn', service: 'broker', context: 'KafkaBus', msg: 'disconnect: gone' });
    expect(warning.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Math.abs(Date.parse(warning.time) - Date.now())).toBeLessThan(5_000);
    // The service's own logger is named after it: the name is not repeated as a context.
    expect(start).toEqual({ level: 'info', time: start.time, service: 'broker', msg: 'broker listening on http://0.0.0.0:8080' });
  });

  it("names every level, Nest's `log` and `verbose` as pino's info and trace, and honours LOG_LEVEL", () => {
    const { logger, json } = capture({ logLevel: 'verbose', logFormat: 'json' });
    Logger.overrideLogger(logger);
    const log = new Logger('x');
    log.fatal('f');
    log.error('e');
    log.warn('w');
    log.log('l');
    log.debug('d');
    log.verbose('v');
    expect(json().map((line) => [line.level, line.msg])).toEqual([
      ['fatal', 'f'],
      ['error', 'e'],
      ['warn', 'w'],
      ['info', 'l'],
      ['debug', 'd'],
      ['trace', 'v'],
    ]);

    const quiet = capture({ logLevel: 'warn', logFormat: 'json' });
    Logger.overrideLogger(quiet.logger);
    log.error('e');
    log.warn('w');
    log.log('l');
    log.debug('d');
    expect(quiet.json().map((line) => line.level)).toEqual(['error', 'warn']);
  });

  it("carries an event's id, type, Trigger and trace id as fields of the line", () => {
    const { logger, json } = capture({ logLevel: 'log', logFormat: 'json' });
    Logger.overrideLogger(logger);
    const event = createEvent({ id: 'e-1', source: '/s', type: 'seldon.iris.default.request', extensions: { traceparent: TRACEPARENT } });
    new Logger('trigger default/iris').error('event e-1 for trigger default/iris lost', eventFields(event, 'default/iris'));
    expect(json()[0]).toMatchObject({
      level: 'error',
      context: 'trigger default/iris',
      msg: 'event e-1 for trigger default/iris lost',
      event_id: 'e-1',
      event_type: 'seldon.iris.default.request',
      trigger: 'default/iris',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    });
  });

  it('keeps the stack of an error as a field of the same line', () => {
    const { logger, lines, json } = capture({ logLevel: 'log', logFormat: 'json' });
    Logger.overrideLogger(logger);
    const err = new Error('boom');
    new Logger('Errors').error(err.message, err.stack);
    expect(lines).toHaveLength(1);
    expect(json()[0]).toMatchObject({ level: 'error', context: 'Errors', msg: 'boom', stack: err.stack });
  });

  it("puts Nest's start-up chatter at debug: a start says nothing of modules and routes at the default level", async () => {
    @Module({})
    class EmptyModule {}
    const quiet = capture({ logLevel: 'log', logFormat: 'json' });
    await (await NestFactory.createApplicationContext(EmptyModule, { logger: quiet.logger })).close();
    expect(quiet.lines).toEqual([]);

    const verbose = capture({ logLevel: 'debug', logFormat: 'json' });
    await (await NestFactory.createApplicationContext(EmptyModule, { logger: verbose.logger })).close();
    expect(verbose.json()).toContainEqual(expect.objectContaining({ level: 'debug', context: 'InstanceLoader', msg: 'EmptyModule dependencies initialized' }));
  });

  it('writes readable lines with LOG_FORMAT=text: clock, level, context, message, fields; no service name', () => {
    const { logger, lines } = capture({ logLevel: 'log', logFormat: 'text' });
    Logger.overrideLogger(logger);
    new Logger('trigger default/iris').warn('event e-1 dead-lettered', { event_id: 'e-1', event_type: 'seldon.iris.default.request', trigger: 'default/iris' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN  \[trigger default\/iris\] event e-1 dead-lettered event_id=e-1 event_type=seldon.iris.default.request trigger=default\/iris$/);
    expect(lines[0]).not.toContain('broker');
  });

  it('colours the level on a terminal', () => {
    const { logger, lines } = capture({ logLevel: 'log', logFormat: 'text' }, true);
    Logger.overrideLogger(logger);
    new Logger('x').error('red');
    expect(lines[0]).toContain('\x1b[31mERROR\x1b[0m');
  });
});

describe('formatText', () => {
  const entry: LogEntry = { level: 'error', time: '2026-01-02T03:04:05.678Z', service: 'broker', msg: 'failed', stack: 'Error: failed\n    at x (y.js:1:1)' };

  it('puts the stack on the lines after the message and quotes values with spaces', () => {
    expect(formatText({ ...entry, context: 'Errors', reason: 'two words' }, false)).toBe('03:04:05.678 ERROR [Errors] failed reason="two words"\nError: failed\n    at x (y.js:1:1)\n');
  });
});
