import { randomUUID } from 'node:crypto';
import { isContextAttribute } from './attributes';
import { asBuffer, decodeUtf8, encodeUtf8, withoutBom } from './bytes';
import { CloudEventValidationError, show } from './errors';
import { jsonTypeOf } from './json-value';
import { canonicalExtensionValue } from './extension-value';
import { isJsonContentType } from './media-type';
import { checkExtensionValue, isValidExtensionName, validateEvent } from './validate';

export { isJsonContentType } from './media-type';

export type SpecVersion = '0.3' | '1.0';

export const SPEC_VERSIONS: readonly SpecVersion[] = Object.freeze(['1.0', '0.3'] as const);

/**
 * A CloudEvent as received: attributes exactly as they arrived (no `time` or `id` filled in, no
 * normalisation), extensions in their canonical string form, data as the raw payload bytes.
 * Plain and mutable on purpose: codecs build these on the hot path, and copies are the caller's
 * choice (see withExtensions).
 */
export interface CloudEvent {
  specversion: SpecVersion;
  id: string;
  source: string;
  type: string;
  datacontenttype?: string;
  /** 1.0 only. */
  dataschema?: string;
  /** 0.3 only. */
  schemaurl?: string;
  subject?: string;
  time?: string;
  /**
   * 0.3 only. The codecs decode base64 data, so an event in memory carries this only when a
   * binary-mode message declared it; `data` is the payload bytes either way.
   */
  datacontentencoding?: string;
  extensions: Record<string, string>;
  /** Payload bytes exactly as received; structured-mode JSON data is re-serialized with JSON.stringify. */
  data?: Buffer;
}

/** An event's attributes without its data: what a Trigger's filter reads. */
export type CloudEventAttributes = Omit<CloudEvent, 'data'>;

export interface NewEvent {
  /** Default '1.0'. */
  specversion?: SpecVersion;
  /** Default: a random UUID. */
  id?: string;
  source: string;
  type: string;
  datacontenttype?: string;
  dataschema?: string;
  schemaurl?: string;
  subject?: string;
  time?: string;
  extensions?: Record<string, string | number | boolean>;
  /** Bytes as they are, a string as UTF-8, anything else as JSON (datacontenttype then defaults to application/json). */
  data?: Buffer | Uint8Array | string | object;
}

function dataBytes(data: unknown): Buffer {
  if (data instanceof Uint8Array) return asBuffer(data);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (typeof data === 'string') {
    const bytes = encodeUtf8(data);
    if (bytes === undefined) throw new CloudEventValidationError('data', "'data' holds an unpaired surrogate: it has no UTF-8 form");
    return bytes;
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(data);
  } catch (err) {
    throw new CloudEventValidationError('data', `'data' cannot be serialized as JSON: ${(err as Error).message}`);
  }
  if (json === undefined) throw new CloudEventValidationError('data', `'data' cannot be serialized as JSON: got ${typeof data}`);
  return Buffer.from(json, 'utf8');
}

function isJsonObjectData(data: unknown): boolean {
  return typeof data === 'object' && data !== null && !(data instanceof Uint8Array) && !(data instanceof ArrayBuffer);
}

function setExtension(extensions: Record<string, string>, event: CloudEvent, name: string, value: unknown): void {
  if (!isValidExtensionName(name, event.specversion)) {
    const reason = isContextAttribute(name, event.specversion) ? ` (a context attribute of specversion ${event.specversion})` : '';
    throw new CloudEventValidationError(name, `invalid extension name ${show(name)}${reason}`);
  }
  const text = canonicalExtensionValue(name, value);
  checkExtensionValue(name, text);
  extensions[name] = text;
}

/**
 * Builds a valid event to send. The only defaults are `specversion` 1.0 and a random `id`: `time`
 * is not invented, because a made-up time is worse than none.
 */
export function createEvent(init: NewEvent): CloudEvent {
  if (typeof init !== 'object' || init === null) {
    throw new CloudEventValidationError(undefined, `createEvent needs an object, got ${jsonTypeOf(init)}`);
  }
  const event: CloudEvent = {
    specversion: init.specversion ?? '1.0',
    id: init.id ?? randomUUID(),
    source: init.source,
    type: init.type,
    extensions: {},
  };
  let datacontenttype = init.datacontenttype;
  if (init.data !== undefined && init.data !== null) {
    if (isJsonObjectData(init.data)) {
      if (datacontenttype === undefined) datacontenttype = 'application/json';
      else if (!isJsonContentType(datacontenttype)) {
        throw new CloudEventValidationError(
          'data',
          `'data' is an object, so it is sent as JSON, but datacontenttype ${show(datacontenttype)} is not JSON`,
        );
      }
    }
    event.data = dataBytes(init.data);
  }
  if (datacontenttype !== undefined) event.datacontenttype = datacontenttype;
  if (init.dataschema !== undefined) event.dataschema = init.dataschema;
  if (init.schemaurl !== undefined) event.schemaurl = init.schemaurl;
  if (init.subject !== undefined) event.subject = init.subject;
  if (init.time !== undefined) event.time = init.time;
  if (init.extensions !== undefined) {
    if (typeof init.extensions !== 'object' || init.extensions === null) {
      throw new CloudEventValidationError('extensions', `'extensions' must be an object, got ${jsonTypeOf(init.extensions)}`);
    }
    for (const name of Object.keys(init.extensions)) setExtension(event.extensions, event, name, init.extensions[name]);
  }
  return validateEvent(event);
}

/**
 * A copy of `event` with extensions set (or removed, for an undefined value). Shallow: the data
 * Buffer is shared, never copied.
 */
export function withExtensions(
  event: CloudEvent,
  ext: Record<string, string | number | boolean | undefined>,
): CloudEvent {
  const extensions = { ...event.extensions };
  for (const name of Object.keys(ext)) {
    const value = ext[name];
    if (value === undefined) delete extensions[name];
    else setExtension(extensions, event, name, value);
  }
  return { ...event, extensions };
}

/** The data parsed as JSON: the one place data gets parsed, and only when asked. */
export function eventDataJson<T = unknown>(event: CloudEvent): T {
  if (event.data === undefined) throw new CloudEventValidationError('data', 'data is not valid JSON: the event has no data');
  const text = decodeUtf8(withoutBom(event.data));
  if (text === undefined) throw new CloudEventValidationError('data', 'data is not valid JSON: it is not valid UTF-8');
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new CloudEventValidationError('data', `data is not valid JSON: ${(err as Error).message}`);
  }
}

/** A context attribute or extension by its (lower-case) name, as a string; never `data`. */
export function getAttribute(event: CloudEvent, name: string): string | undefined {
  if (isContextAttribute(name, event.specversion)) {
    return (event as unknown as Record<string, string | undefined>)[name];
  }
  return Object.hasOwn(event.extensions, name) ? event.extensions[name] : undefined;
}
