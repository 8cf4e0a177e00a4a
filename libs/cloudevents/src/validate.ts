import { isAttributeName, isContextAttribute, isSpecVersion } from './attributes';
import { CloudEventValidationError, show } from './errors';
import { isAbsoluteUri, jsonTypeOf } from './json-value';
import type { CloudEvent, SpecVersion } from './event';
import { isValidMediaType } from './media-type';
import { codeUnitName, disallowedCharIndex } from './string-value';
import { isRfc3339 } from './timestamp';

const EVENT_PROPERTIES: ReadonlySet<string> = new Set([
  'specversion', 'id', 'source', 'type', 'datacontenttype', 'dataschema', 'schemaurl', 'subject', 'time',
  'datacontentencoding', 'extensions', 'data',
]);

/**
 * Whether `name` may be used as an extension attribute: lower-case a-z0-9 (the 20-character limit
 * is a SHOULD, so longer names pass), not `data`, and not a context attribute of `specversion`
 * (of either version when none is given: `schemaurl` is a fine extension on a 1.0 event only).
 */
export function isValidExtensionName(name: string, specversion?: SpecVersion): boolean {
  return typeof name === 'string' && isAttributeName(name) && name !== 'data' && !isContextAttribute(name, specversion);
}

function fail(attribute: string, message: string): never {
  throw new CloudEventValidationError(attribute, message);
}

function checkCharacters(name: string, value: string, what: string): void {
  const bad = disallowedCharIndex(value);
  if (bad >= 0) fail(name, `${what} '${name}' contains the disallowed character ${codeUnitName(value, bad)} at index ${bad}`);
}

/** Throws unless `value` is a valid String for extension `name` (the name is checked separately). */
export function checkExtensionValue(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') fail(name, `extension '${name}' must be a string, got ${jsonTypeOf(value)}`);
  checkCharacters(name, value, 'extension');
}

function checkString(name: string, value: unknown, nonEmpty: boolean): asserts value is string {
  if (typeof value !== 'string') fail(name, `attribute '${name}' must be a string, got ${jsonTypeOf(value)}`);
  if (nonEmpty && value.length === 0) fail(name, `attribute '${name}' must not be empty`);
  checkCharacters(name, value, 'attribute');
}

function checkRequired(name: 'id' | 'source' | 'type', value: unknown): void {
  if (value === undefined || value === null) fail(name, `missing required attribute '${name}'`);
  checkString(name, value, true);
}

function checkAbsent(event: CloudEvent, name: 'dataschema' | 'schemaurl' | 'datacontentencoding', version: SpecVersion): void {
  if (event[name] !== undefined) {
    fail(name, `attribute '${name}' is not defined in specversion ${version}; carry it in extensions instead`);
  }
}

/**
 * Checks an event against the spec of its own version and returns it unchanged: no defaults are
 * filled in and nothing is normalised, so a validated event is still the event that was received.
 */
export function validateEvent(event: CloudEvent): CloudEvent {
  if (typeof event !== 'object' || event === null) {
    throw new CloudEventValidationError(undefined, `an event must be an object, got ${jsonTypeOf(event)}`);
  }
  const version = event.specversion;
  if (version === undefined || version === null) fail('specversion', "missing required attribute 'specversion'");
  if (!isSpecVersion(version)) fail('specversion', `unsupported specversion ${show(version)}`);
  checkRequired('id', event.id);
  checkRequired('source', event.source);
  checkRequired('type', event.type);

  if (event.datacontenttype !== undefined) {
    checkString('datacontenttype', event.datacontenttype, true);
    if (!isValidMediaType(event.datacontenttype)) {
      fail('datacontenttype', `attribute 'datacontenttype' is not a media type: ${show(event.datacontenttype)}`);
    }
  }
  if (event.subject !== undefined) checkString('subject', event.subject, true);
  if (event.time !== undefined) {
    checkString('time', event.time, true);
    if (!isRfc3339(event.time)) fail('time', `attribute 'time' is not an RFC 3339 timestamp: ${show(event.time)}`);
  }
  if (version === '1.0') {
    if (event.dataschema !== undefined) {
      checkString('dataschema', event.dataschema, true);
      if (!isAbsoluteUri(event.dataschema)) {
        fail('dataschema', `attribute 'dataschema' must be an absolute URI: ${show(event.dataschema)}`);
      }
    }
    checkAbsent(event, 'schemaurl', version);
    checkAbsent(event, 'datacontentencoding', version);
  } else {
    if (event.schemaurl !== undefined) checkString('schemaurl', event.schemaurl, true);
    if (event.datacontentencoding !== undefined) checkString('datacontentencoding', event.datacontentencoding, true);
    checkAbsent(event, 'dataschema', version);
  }

  const extensions = event.extensions;
  if (typeof extensions !== 'object' || extensions === null || Array.isArray(extensions)) {
    fail('extensions', `'extensions' must be an object of names to strings, got ${jsonTypeOf(extensions)}`);
  }
  for (const name of Object.keys(extensions)) {
    if (!isValidExtensionName(name, version)) {
      const reason = isContextAttribute(name, version) ? ` (a context attribute of specversion ${version})` : '';
      fail(name, `invalid extension name ${show(name)}${reason}`);
    }
    checkExtensionValue(name, extensions[name]);
  }

  if (event.data !== undefined && !Buffer.isBuffer(event.data)) {
    fail('data', `'data' must be a Buffer, got ${jsonTypeOf(event.data)}`);
  }
  // A stray top-level property would be dropped by every codec without a word.
  for (const key of Object.keys(event)) {
    if (!EVENT_PROPERTIES.has(key) && (event as unknown as Record<string, unknown>)[key] !== undefined) {
      fail(key, `unknown event property ${show(key)}: extension attributes belong in 'extensions'`);
    }
  }
  return event;
}
