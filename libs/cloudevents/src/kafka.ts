import { isAttributeName, isContextAttribute, isSpecVersion, OPTIONAL_ATTRIBUTES, type OptionalAttribute } from './attributes';
import { attributeOfHeader, eventFromBinaryMode } from './binary-mode';
import { asBuffer, decodeUtf8 } from './bytes';
import { CloudEventValidationError, show } from './errors';
import { jsonTypeOf } from './json-value';
import type { CloudEvent, CloudEventAttributes, SpecVersion } from './event';
import { eventFromStructuredBody, structuredJson } from './json-format';
import { CLOUDEVENTS_BATCH_JSON, CLOUDEVENTS_JSON, mediaTypeEssence, STRUCTURED_CONTENT_TYPE } from './media-type';
import { disallowedCharIndex } from './string-value';

/** A consumed record, as kafkajs hands it over (header values are Buffers there). */
export interface KafkaRecordIn {
  key?: Buffer | string | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

/** A record to produce: kafkajs takes it as it is. */
export interface KafkaRecordOut {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

const PARTITION_KEY = 'partitionkey';

/** A header's text: Kafka headers are UTF-8 (binding 3.2.3), with no percent-encoding. */
function headerText(value: unknown, header: string, attribute: string | undefined): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) {
    const text = decodeUtf8(value);
    if (text === undefined) {
      throw new CloudEventValidationError(attribute, `header ${show(header)} is not valid UTF-8`);
    }
    return text;
  }
  if (Array.isArray(value)) {
    // Kafka has no list semantics for repeated headers: which one is meant cannot be known.
    if (value.length === 1) return headerText(value[0], header, attribute);
    throw new CloudEventValidationError(attribute, `header ${show(header)} occurs ${value.length} times`);
  }
  throw new CloudEventValidationError(attribute, `header ${show(header)} must be a string or bytes, got ${jsonTypeOf(value)}`);
}

function valueOf(value: unknown): Buffer | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return asBuffer(value);
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  throw new CloudEventValidationError(undefined, `a Kafka record value must be bytes or null, got ${jsonTypeOf(value)}`);
}

/**
 * The record key as a `partitionkey` value, or undefined when it cannot be one: a key that is not
 * UTF-8 text (Avro, a number's bytes) does not make the event invalid, it just is not an attribute.
 */
function partitionKeyOf(key: unknown): string | undefined {
  let text: string | undefined;
  if (typeof key === 'string') text = key;
  else if (key instanceof Uint8Array) text = decodeUtf8(key);
  return text !== undefined && disallowedCharIndex(text) < 0 ? text : undefined;
}

/**
 * The event a Kafka record carries, validated: binary mode (`ce_` headers, content-type header for
 * datacontenttype, value for data) or structured mode (a JSON-format value). A record key becomes
 * the `partitionkey` extension unless the event has one. Throws CloudEventValidationError only.
 */
export function parseKafka(record: KafkaRecordIn): CloudEvent {
  if (typeof record !== 'object' || record === null) {
    throw new CloudEventValidationError(undefined, `a Kafka record must be an object, got ${jsonTypeOf(record)}`);
  }
  const headers = record.headers ?? {};
  if (typeof headers !== 'object' || headers === null) {
    throw new CloudEventValidationError(undefined, `Kafka record headers must be an object, got ${jsonTypeOf(headers)}`);
  }
  let contentType: string | undefined;
  const attributeHeaders: string[] = [];
  let hasSpecversion = false;
  for (const key of Object.keys(headers)) {
    const value = headers[key];
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    if (lower === 'content-type') {
      contentType = headerText(value, key, 'datacontenttype').trim();
    } else if (lower.startsWith('ce_')) {
      attributeHeaders.push(key);
      if (lower === 'ce_specversion') hasSpecversion = true;
    }
  }

  const value = valueOf(record.value);
  const essence = contentType === undefined ? '' : mediaTypeEssence(contentType);
  let event: CloudEvent;
  if (essence === CLOUDEVENTS_JSON) {
    if (value === null) throw new CloudEventValidationError(undefined, 'structured record has no value');
    event = eventFromStructuredBody(value);
  } else if (essence === CLOUDEVENTS_BATCH_JSON) {
    throw new CloudEventValidationError(undefined, 'the Kafka binding has no batch mode');
  } else if (hasSpecversion) {
    const values = new Map<string, string>();
    for (const header of attributeHeaders) {
      const name = attributeOfHeader(header.slice(3), header);
      if (values.has(name)) throw new CloudEventValidationError(name, `attribute '${name}' is given by more than one header`);
      values.set(name, headerText(headers[header], header, name));
    }
    event = eventFromBinaryMode(values, contentType, value ?? undefined, 'ce_');
  } else if (essence.startsWith('application/cloudevents')) {
    throw new CloudEventValidationError(undefined, `unsupported event format ${show(contentType)}: only JSON is read`);
  } else {
    throw new CloudEventValidationError(
      undefined,
      'not a CloudEvent: no ce_specversion header and content-type is not application/cloudevents+json',
    );
  }

  if (!Object.hasOwn(event.extensions, PARTITION_KEY) && record.key !== undefined && record.key !== null) {
    const partitionKey = partitionKeyOf(record.key);
    if (partitionKey !== undefined) event.extensions[PARTITION_KEY] = partitionKey;
  }
  return event;
}

/**
 * A binary-mode record's attributes read from its headers alone, each decoded when first read: a
 * consumer that reads a whole topic can decide a Trigger's filter before it parses and validates
 * the record, and pays that only for the records it delivers. Values are those parseKafka gives
 * (same header rules: names case-insensitive, content-type for datacontenttype, attributes of the
 * other specversion as extensions, the key as `partitionkey`), so a filter decides alike on both.
 *
 * Undefined when the headers cannot tell, where the record must be parsed: structured mode (the
 * attributes are in the value), or headers parseKafka refuses (no or an unknown specversion, an
 * attribute given twice, an invalid name). A required attribute without its header reads
 * undefined; reading one whose header is not UTF-8 throws CloudEventValidationError.
 */
export function kafkaHeaderAttributes(record: KafkaRecordIn): CloudEventAttributes | undefined {
  const headers = record.headers;
  if (typeof headers !== 'object' || headers === null) return undefined;
  const attributes = new Map<string, unknown>();
  let contentTypeHeader: unknown;
  for (const key of Object.keys(headers)) {
    const value = headers[key];
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    if (lower === 'content-type') contentTypeHeader = value;
    else if (lower.startsWith('ce_')) {
      const name = lower.slice(3);
      if (!isAttributeName(name) || name === 'data' || attributes.has(name)) return undefined;
      attributes.set(name, value);
    }
  }
  const specversionHeader = attributes.get('specversion');
  if (specversionHeader === undefined) return undefined;
  const specversion = headerText(specversionHeader, 'ce_specversion', 'specversion');
  if (!isSpecVersion(specversion)) return undefined;
  const contentType = contentTypeHeader === undefined ? undefined : headerText(contentTypeHeader, 'content-type', 'datacontenttype').trim();
  const essence = contentType === undefined ? '' : mediaTypeEssence(contentType);
  if (essence === CLOUDEVENTS_JSON || essence === CLOUDEVENTS_BATCH_JSON) return undefined;
  return new HeaderAttributes(attributes, specversion, contentType, record.key);
}

/** kafkaHeaderAttributes's view: getters, so that a filter on `type` decodes that header only. */
class HeaderAttributes implements CloudEventAttributes {
  private decodedExtensions?: Record<string, string>;

  constructor(
    private readonly headers: ReadonlyMap<string, unknown>,
    readonly specversion: SpecVersion,
    private readonly contentType: string | undefined,
    private readonly key: KafkaRecordIn['key'],
  ) {}

  get id(): string {
    return this.text('id') as string;
  }

  get source(): string {
    return this.text('source') as string;
  }

  get type(): string {
    return this.text('type') as string;
  }

  get datacontenttype(): string | undefined {
    // As eventFromBinaryMode: a stray ce_datacontenttype only fills in for a missing content-type.
    return this.contentType ?? this.text('datacontenttype');
  }

  get dataschema(): string | undefined {
    return this.optional('dataschema');
  }

  get schemaurl(): string | undefined {
    return this.optional('schemaurl');
  }

  get subject(): string | undefined {
    return this.optional('subject');
  }

  get time(): string | undefined {
    return this.optional('time');
  }

  get datacontentencoding(): string | undefined {
    return this.optional('datacontentencoding');
  }

  get extensions(): Record<string, string> {
    if (!this.decodedExtensions) {
      // Names are a-z0-9 only (checked above), so none of them can be `__proto__`.
      const extensions: Record<string, string> = {};
      for (const name of this.headers.keys()) {
        if (!isContextAttribute(name, this.specversion)) extensions[name] = this.text(name) as string;
      }
      if (!Object.hasOwn(extensions, PARTITION_KEY) && this.key !== undefined && this.key !== null) {
        const partitionKey = partitionKeyOf(this.key);
        if (partitionKey !== undefined) extensions[PARTITION_KEY] = partitionKey;
      }
      this.decodedExtensions = extensions;
    }
    return this.decodedExtensions;
  }

  private text(name: string): string | undefined {
    const value = this.headers.get(name);
    return value === undefined ? undefined : headerText(value, `ce_${name}`, name);
  }

  private optional(name: OptionalAttribute): string | undefined {
    return isContextAttribute(name, this.specversion) ? this.text(name) : undefined;
  }
}

function keyOf(event: CloudEvent): string | null {
  return Object.hasOwn(event.extensions, PARTITION_KEY) ? event.extensions[PARTITION_KEY] : null;
}

/**
 * Binary mode: every attribute a `ce_` header (plain UTF-8, Kafka needs no percent-encoding),
 * datacontenttype the content-type header, data the value (null when there is none), and the
 * `partitionkey` extension, if any, the record key too. Expects a valid event.
 */
export function toKafkaBinary(event: CloudEvent): KafkaRecordOut {
  const headers: Record<string, string> = {
    ce_specversion: event.specversion,
    ce_id: event.id,
    ce_source: event.source,
    ce_type: event.type,
  };
  if (event.datacontenttype !== undefined) headers['content-type'] = event.datacontenttype;
  for (const name of OPTIONAL_ATTRIBUTES[event.specversion]) {
    const value = event[name];
    if (value !== undefined && name !== 'datacontenttype') headers[`ce_${name}`] = value;
  }
  const extensions = event.extensions;
  for (const name of Object.keys(extensions)) headers[`ce_${name}`] = extensions[name];
  return { key: keyOf(event), value: event.data ?? null, headers };
}

/** Structured mode: the JSON format as the value. Expects a valid event. */
export function toKafkaStructured(event: CloudEvent): KafkaRecordOut {
  return { key: keyOf(event), value: structuredJson(event), headers: { 'content-type': STRUCTURED_CONTENT_TYPE } };
}
