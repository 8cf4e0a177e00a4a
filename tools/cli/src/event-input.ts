import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { CloudEventValidationError, createEvent, toHttpBinary, toHttpStructured, type CloudEvent, type SpecVersion } from '@seldon-eventing/cloudevents';
import { usageError } from './exit-codes';

export type SendMode = 'binary' | 'structured';

/** What `send` and `predict` compose an event from. */
export interface EventOptions {
  type: string;
  source: string;
  id?: string;
  /** JSON text, or `@<file>` holding it. */
  data?: string;
  specversion: SpecVersion;
  /** `key=value`, as given on the command line. */
  ext?: string[];
  /** Extensions the command adds itself (predict's seldonpuid). */
  extensions?: Record<string, string>;
}

/** `--data`: JSON text or `@file`, checked to be JSON so a typo fails here, not at the model. */
export function readData(data: string): Buffer {
  let text = data;
  if (data.startsWith('@')) {
    try {
      text = readFileSync(data.slice(1), 'utf8');
    } catch (err) {
      throw usageError(`--data ${data}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  try {
    JSON.parse(text);
  } catch (err) {
    throw usageError(`--data is not valid JSON: ${(err as Error).message}`);
  }
  return Buffer.from(text, 'utf8');
}

/** `--ext key=value` (repeatable), as `kn event send --extension` takes them. */
export function parseExtensions(pairs: string[] = []): Record<string, string> {
  const extensions: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw usageError(`--ext must be key=value, got ${JSON.stringify(pair)}`);
    extensions[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return extensions;
}

/** The event, validated by the project's codec: an invalid attribute is a usage error naming it. */
export function composeEvent(options: EventOptions): CloudEvent {
  try {
    return createEvent({
      specversion: options.specversion,
      id: options.id ?? randomUUID(),
      type: options.type,
      source: options.source,
      ...(options.data !== undefined ? { data: readData(options.data), datacontenttype: 'application/json' } : {}),
      extensions: { ...parseExtensions(options.ext), ...options.extensions },
    });
  } catch (err) {
    if (err instanceof CloudEventValidationError) throw usageError(`invalid event: ${err.message}`);
    throw err;
  }
}

/** The HTTP request of an event in the chosen content mode. */
export function encodeEvent(event: CloudEvent, mode: SendMode): { headers: Record<string, string>; body: Buffer | undefined } {
  return mode === 'structured' ? toHttpStructured(event) : toHttpBinary(event);
}
