import { OPTIONAL_ATTRIBUTES } from './attributes';
import { attributeOfHeader, eventFromBinaryMode } from './binary-mode';
import { asBuffer } from './bytes';
import { CloudEventValidationError, show } from './errors';
import { jsonTypeOf } from './json-value';
import type { CloudEvent } from './event';
import { decodeHttpHeaderValue, encodeHttpHeaderValue } from './http-header-value';
import { batchJson, eventFromStructuredBody, eventsFromBatchBody, structuredJson } from './json-format';
import {
  BATCH_CONTENT_TYPE,
  CLOUDEVENTS_BATCH_JSON,
  CLOUDEVENTS_JSON,
  mediaTypeEssence,
  STRUCTURED_CONTENT_TYPE,
} from './media-type';

/** As node's IncomingHttpHeaders: lower-case keys (other casings are accepted too). */
export type HttpHeaders = Record<string, string | string[] | undefined>;

export interface HttpMessage {
  headers: HttpHeaders;
  body: Buffer;
}

export type HttpMode = 'binary' | 'structured' | 'batch';

const EMPTY = Buffer.alloc(0);

/** A header's text. Repeated headers mean the comma-joined list in HTTP, as node joins them too. */
function headerText(value: unknown, header: string, attribute: string | undefined): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(', ');
  // Node stringifies numbers set as header values, and some SDKs leave them as numbers in memory.
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new CloudEventValidationError(attribute, `header ${show(header)} must be a string, got ${jsonTypeOf(value)}`);
}

interface ScannedHeaders {
  contentType: string | undefined;
  /** Keys of the `ce-` headers, in the order given. */
  attributeHeaders: string[];
  hasSpecversion: boolean;
}

/** One pass over the headers. `lenient` (for httpMode, which only asks) skips an unreadable content type. */
function scanHeaders(headers: HttpHeaders, lenient: boolean): ScannedHeaders {
  const scanned: ScannedHeaders = { contentType: undefined, attributeHeaders: [], hasSpecversion: false };
  for (const key of Object.keys(headers)) {
    const value = headers[key];
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    if (lower === 'content-type') {
      if (lenient && typeof value !== 'string') continue;
      scanned.contentType = headerText(value, key, 'datacontenttype').trim();
    } else if (lower.startsWith('ce-')) {
      scanned.attributeHeaders.push(key);
      if (lower === 'ce-specversion') scanned.hasSpecversion = true;
    }
  }
  return scanned;
}

function modeOf(scanned: ScannedHeaders): HttpMode | undefined {
  if (scanned.contentType !== undefined) {
    const essence = mediaTypeEssence(scanned.contentType);
    if (essence === CLOUDEVENTS_BATCH_JSON) return 'batch';
    if (essence === CLOUDEVENTS_JSON) return 'structured';
  }
  // Also for another structured format (application/cloudevents+avro): the binding lets a
  // receiver that cannot read it take the message as binary.
  return scanned.hasSpecversion ? 'binary' : undefined;
}

/** How a message carries its events, or undefined when it carries none. */
export function httpMode(headers: HttpHeaders): HttpMode | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  return modeOf(scanHeaders(headers, true));
}

function binaryEvent(headers: HttpHeaders, scanned: ScannedHeaders, body: Buffer): CloudEvent {
  const values = new Map<string, string>();
  for (const header of scanned.attributeHeaders) {
    const name = attributeOfHeader(header.slice(3), header);
    if (values.has(name)) throw new CloudEventValidationError(name, `attribute '${name}' is given by more than one header`);
    values.set(name, decodeHttpHeaderValue(headerText(headers[header], header, name), name, header));
  }
  return eventFromBinaryMode(values, scanned.contentType, body.length > 0 ? body : undefined, 'ce-');
}

function bodyOf(body: unknown): Buffer {
  if (body === undefined || body === null) return EMPTY;
  if (body instanceof Uint8Array) return asBuffer(body);
  throw new CloudEventValidationError(undefined, `an HTTP message body must be a Buffer, got ${jsonTypeOf(body)}`);
}

/**
 * The events an HTTP request or response carries, validated: one in binary or structured mode,
 * any number in batch mode. Anything that is not a valid CloudEvent message throws a
 * CloudEventValidationError, and nothing else.
 */
export function parseHttp(message: HttpMessage): CloudEvent[] {
  if (typeof message !== 'object' || message === null) {
    throw new CloudEventValidationError(undefined, `an HTTP message must be an object, got ${jsonTypeOf(message)}`);
  }
  const headers = message.headers;
  if (typeof headers !== 'object' || headers === null) {
    throw new CloudEventValidationError(undefined, `HTTP message headers must be an object, got ${jsonTypeOf(headers)}`);
  }
  const body = bodyOf(message.body);
  const scanned = scanHeaders(headers, false);
  switch (modeOf(scanned)) {
    case 'binary':
      return [binaryEvent(headers, scanned, body)];
    case 'structured':
      return [eventFromStructuredBody(body)];
    case 'batch':
      return eventsFromBatchBody(body);
    default: {
      const contentType = scanned.contentType;
      if (contentType !== undefined && mediaTypeEssence(contentType).startsWith('application/cloudevents')) {
        throw new CloudEventValidationError(undefined, `unsupported event format ${show(contentType)}: only JSON is read`);
      }
      throw new CloudEventValidationError(
        undefined,
        'not a CloudEvent: no ce-specversion header and content-type is not application/cloudevents+json',
      );
    }
  }
}

/**
 * Binary mode: every attribute a `ce-` header (percent-encoded where the binding requires it),
 * datacontenttype the Content-Type, data the body as it is. Expects a valid event.
 */
export function toHttpBinary(event: CloudEvent): { headers: Record<string, string>; body: Buffer | undefined } {
  const headers: Record<string, string> = {
    'ce-specversion': event.specversion,
    'ce-id': encodeHttpHeaderValue(event.id),
    'ce-source': encodeHttpHeaderValue(event.source),
    'ce-type': encodeHttpHeaderValue(event.type),
  };
  if (event.datacontenttype !== undefined) headers['content-type'] = event.datacontenttype;
  for (const name of OPTIONAL_ATTRIBUTES[event.specversion]) {
    const value = event[name];
    if (value !== undefined && name !== 'datacontenttype') headers[`ce-${name}`] = encodeHttpHeaderValue(value);
  }
  const extensions = event.extensions;
  for (const name of Object.keys(extensions)) headers[`ce-${name}`] = encodeHttpHeaderValue(extensions[name]);
  return { headers, body: event.data };
}

/** Structured mode: the JSON format in the body. Expects a valid event. */
export function toHttpStructured(event: CloudEvent): { headers: Record<string, string>; body: Buffer } {
  return { headers: { 'content-type': STRUCTURED_CONTENT_TYPE }, body: structuredJson(event) };
}

/** Batch mode: the JSON batch format in the body. All events must share one specversion. */
export function toHttpBatch(events: readonly CloudEvent[]): { headers: Record<string, string>; body: Buffer } {
  return { headers: { 'content-type': BATCH_CONTENT_TYPE }, body: batchJson(events) };
}
