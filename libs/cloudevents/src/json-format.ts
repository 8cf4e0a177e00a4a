import { isContextAttribute, isSpecVersion, OPTIONAL_ATTRIBUTES } from './attributes';
import { isBase64 } from './base64';
import { decodeUtf8, encodeUtf8, withoutBom } from './bytes';
import { CloudEventValidationError, reason, show } from './errors';
import { jsonTypeOf } from './json-value';
import type { CloudEvent } from './event';
import { canonicalExtensionValue } from './extension-value';
import { isJsonContentType, isTextContentType } from './media-type';
import { isValidExtensionName, validateEvent } from './validate';

// The JSON event format (structured and batch mode), shared by the HTTP and Kafka bindings.

const OPEN_BRACKET = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE_BRACKET = Buffer.from(']');
const CLOSE_BRACE = Buffer.from('}');

function parseJsonBody(body: Buffer, what: 'structured' | 'batch'): unknown {
  const text = decodeUtf8(withoutBom(body));
  if (text === undefined) throw new CloudEventValidationError(undefined, `${what} body is not valid UTF-8`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CloudEventValidationError(undefined, `${what} body is not valid JSON: ${reason(err)}`);
  }
}

/**
 * How deep structured-mode JSON data may nest. JSON.parse copes with any depth but JSON.stringify
 * recurses, and where it runs out of stack depends on how deep the caller's stack already is: a
 * fixed limit makes acceptance the same everywhere. Real payloads stay far below it (serde_json
 * stops at 128, Jackson at 1000).
 */
export const MAX_JSON_DATA_DEPTH = 512;

/** Whether a parsed JSON value nests arrays/objects deeper than MAX_JSON_DATA_DEPTH. Iterative. */
function nestsTooDeep(value: unknown, textLength: number): boolean {
  // Each level takes two characters of text, so short texts need no walk.
  if (typeof value !== 'object' || value === null || textLength <= 2 * MAX_JSON_DATA_DEPTH) return false;
  const pending: unknown[] = [value];
  const depths: number[] = [1];
  while (pending.length > 0) {
    const node = pending.pop();
    const depth = depths.pop() as number;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child: unknown = node[i];
        if (typeof child === 'object' && child !== null) {
          if (depth === MAX_JSON_DATA_DEPTH) return true;
          pending.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      const record = node as Record<string, unknown>;
      for (const key in record) {
        const child = record[key];
        if (typeof child === 'object' && child !== null) {
          if (depth === MAX_JSON_DATA_DEPTH) return true;
          pending.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}

function jsonValueBytes(value: unknown, textLength: number): Buffer {
  if (nestsTooDeep(value, textLength)) {
    throw new CloudEventValidationError('data', `'data' nests deeper than ${MAX_JSON_DATA_DEPTH} levels`);
  }
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new CloudEventValidationError('data', `'data' cannot be re-serialized as JSON: ${reason(err)}`);
  }
  return Buffer.from(text, 'utf8');
}

function base64Bytes(value: unknown, attribute: 'data' | 'data_base64', why: string): Buffer {
  if (typeof value !== 'string' || !isBase64(value)) {
    throw new CloudEventValidationError(attribute, `'${attribute}' must be a base64 string${why}, got ${typeof value === 'string' ? show(value) : jsonTypeOf(value)}`);
  }
  return Buffer.from(value, 'base64');
}

/** JSON format 3.1.2: how the `data` member turns into payload bytes. */
function dataMemberBytes(event: CloudEvent, data: unknown, textLength: number): Buffer {
  const encoding = event.datacontentencoding;
  if (encoding !== undefined && encoding.toLowerCase() === 'base64') {
    // 0.3: the data member is the payload in base64. Decoded, the attribute has nothing left to say.
    delete event.datacontentencoding;
    return base64Bytes(data, 'data', " because datacontentencoding is 'base64'");
  }
  if (isJsonContentType(event.datacontenttype)) return jsonValueBytes(data, textLength);
  if (typeof data !== 'string') {
    throw new CloudEventValidationError(
      'data',
      `'data' must be a JSON string because datacontenttype ${show(event.datacontenttype)} is not JSON, got ${jsonTypeOf(data)}`,
    );
  }
  const bytes = encodeUtf8(data);
  if (bytes === undefined) throw new CloudEventValidationError('data', "'data' holds an unpaired surrogate: it has no UTF-8 form");
  return bytes;
}

/**
 * An event from a parsed JSON-format envelope, validated. `textLength`, the length of the JSON text
 * it was parsed from, only lets shallow data skip the depth check.
 */
export function eventFromJsonEnvelope(value: unknown, textLength = Infinity): CloudEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CloudEventValidationError(undefined, `a structured event must be a JSON object, got ${jsonTypeOf(value)}`);
  }
  const envelope = value as Record<string, unknown>;
  const specversion = envelope.specversion;
  if (specversion === undefined || specversion === null) {
    throw new CloudEventValidationError('specversion', "missing required attribute 'specversion'");
  }
  if (typeof specversion !== 'string') {
    throw new CloudEventValidationError('specversion', `attribute 'specversion' must be a string, got ${jsonTypeOf(specversion)}`);
  }
  if (!isSpecVersion(specversion)) {
    throw new CloudEventValidationError('specversion', `unsupported specversion ${show(specversion)}`);
  }

  const event = { specversion, extensions: {} } as CloudEvent;
  const fields = event as unknown as Record<string, unknown>;
  let data: unknown;
  let hasData = false;
  let dataBase64: unknown = null;
  for (const key of Object.keys(envelope)) {
    const member = envelope[key];
    if (key === 'data') {
      hasData = true;
      data = member;
      continue;
    }
    if (key === 'data_base64') {
      // A 1.0 member, but the JavaScript SDK writes it for 0.3 events too; it cannot mean
      // anything else (the underscore rules it out as an extension), so it is read for both.
      dataBase64 = member;
      continue;
    }
    // JSON format 2.2: a null attribute is an unset one.
    if (member === null) continue;
    if (isContextAttribute(key, specversion)) {
      if (typeof member !== 'string') {
        throw new CloudEventValidationError(key, `attribute '${key}' must be a string, got ${jsonTypeOf(member)}`);
      }
      fields[key] = member;
      continue;
    }
    if (!isValidExtensionName(key, specversion)) {
      throw new CloudEventValidationError(key, `invalid extension name ${show(key)}`);
    }
    event.extensions[key] = canonicalExtensionValue(key, member);
  }

  if (dataBase64 !== null) {
    if (hasData) throw new CloudEventValidationError('data', "an event cannot have both 'data' and 'data_base64'");
    event.data = base64Bytes(dataBase64, 'data_base64', '');
  } else if (hasData) {
    event.data = dataMemberBytes(event, data, textLength);
  }
  return validateEvent(event);
}

export function eventFromStructuredBody(body: Buffer): CloudEvent {
  return eventFromJsonEnvelope(parseJsonBody(body, 'structured'), body.length);
}

/** JSON batch format: an array of envelopes, all of one specversion (spec 1.0, "batch-mode message"). */
export function eventsFromBatchBody(body: Buffer): CloudEvent[] {
  const value = parseJsonBody(body, 'batch');
  if (!Array.isArray(value)) {
    throw new CloudEventValidationError(undefined, `a batch body must be a JSON array, got ${jsonTypeOf(value)}`);
  }
  const events: CloudEvent[] = new Array(value.length);
  for (let i = 0; i < value.length; i++) {
    let event: CloudEvent;
    try {
      event = eventFromJsonEnvelope(value[i], body.length);
    } catch (err) {
      if (err instanceof CloudEventValidationError) {
        throw new CloudEventValidationError(err.attribute, `batch element ${i}: ${err.message}`);
      }
      throw err;
    }
    if (i > 0 && event.specversion !== events[0].specversion) {
      throw new CloudEventValidationError(
        'specversion',
        `batch element ${i}: specversion '${event.specversion}' differs from the batch's '${events[0].specversion}'`,
      );
    }
    events[i] = event;
  }
  return events;
}

/**
 * The payload bytes (less a BOM) when they are one UTF-8 JSON text, so they can go in verbatim.
 * Not when they nest deeper than a reader would take: then they travel as base64, intact.
 */
function jsonTextBytes(data: Buffer): Buffer | undefined {
  const bytes = withoutBom(data);
  const text = decodeUtf8(bytes);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return nestsTooDeep(value, text.length) ? undefined : bytes;
}

/**
 * An event in the JSON format. JSON data goes in as the JSON value, spliced in byte for byte
 * rather than parsed and re-stringified; text/* data as a string; anything else (including "JSON"
 * that does not parse) as base64, so no payload is ever altered. Expects a valid event.
 */
export function structuredJson(event: CloudEvent): Buffer {
  const envelope: Record<string, string> = {
    specversion: event.specversion,
    id: event.id,
    source: event.source,
    type: event.type,
  };
  for (const name of OPTIONAL_ATTRIBUTES[event.specversion]) {
    const value = event[name];
    if (value !== undefined) envelope[name] = value;
  }
  const extensions = event.extensions;
  for (const name of Object.keys(extensions)) envelope[name] = extensions[name];

  const data = event.data;
  if (data === undefined) return Buffer.from(JSON.stringify(envelope), 'utf8');

  if (event.specversion === '0.3' && event.datacontentencoding !== undefined) {
    // Declared by a binary-mode sender: the body is taken to be in that encoding already, unless
    // it plainly is not, and then it is base64-encoded here so the payload still arrives intact.
    const text = decodeUtf8(data);
    const declaredBase64 = event.datacontentencoding.toLowerCase() === 'base64';
    if (text !== undefined && (!declaredBase64 || isBase64(text))) envelope.data = text;
    else {
      envelope.datacontentencoding = 'base64';
      envelope.data = data.toString('base64');
    }
    return Buffer.from(JSON.stringify(envelope), 'utf8');
  }
  if (isJsonContentType(event.datacontenttype)) {
    const json = jsonTextBytes(data);
    if (json !== undefined) {
      const head = JSON.stringify(envelope);
      return Buffer.concat([Buffer.from(`${head.slice(0, -1)},"data":`, 'utf8'), json, CLOSE_BRACE]);
    }
  } else if (isTextContentType(event.datacontenttype)) {
    const text = decodeUtf8(data);
    if (text !== undefined) {
      envelope.data = text;
      return Buffer.from(JSON.stringify(envelope), 'utf8');
    }
  }
  if (event.specversion === '1.0') {
    envelope.data_base64 = data.toString('base64');
  } else {
    envelope.datacontentencoding = 'base64';
    envelope.data = data.toString('base64');
  }
  return Buffer.from(JSON.stringify(envelope), 'utf8');
}

/** A JSON batch. The spec allows one specversion per batch, so mixing them is refused. */
export function batchJson(events: readonly CloudEvent[]): Buffer {
  const parts: Buffer[] = [OPEN_BRACKET];
  for (let i = 0; i < events.length; i++) {
    if (i > 0) {
      if (events[i].specversion !== events[0].specversion) {
        throw new CloudEventValidationError(
          'specversion',
          `batch element ${i}: specversion '${events[i].specversion}' differs from the batch's '${events[0].specversion}'`,
        );
      }
      parts.push(COMMA);
    }
    parts.push(structuredJson(events[i]));
  }
  parts.push(CLOSE_BRACKET);
  return Buffer.concat(parts);
}
