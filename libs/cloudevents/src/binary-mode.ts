import { isAttributeName, isContextAttribute, isSpecVersion } from './attributes';
import { CloudEventValidationError, show } from './errors';
import type { CloudEvent } from './event';
import { validateEvent } from './validate';

/**
 * The attribute a binary-mode header carries, from the header name minus its prefix. Names are
 * checked before anything is stored under them (a `__proto__` must never reach an object key).
 */
export function attributeOfHeader(rest: string, header: string): string {
  const name = rest.toLowerCase();
  if (!isAttributeName(name) || name === 'data') {
    throw new CloudEventValidationError(name, `invalid extension name ${show(name)} (header ${show(header)})`);
  }
  return name;
}

/**
 * Assembles a binary-mode event from its decoded header values (attribute name to value), its
 * content type and body, then validates it. The content type comes from the protocol's own header:
 * a stray `datacontenttype` attribute header only fills in when that is missing.
 */
export function eventFromBinaryMode(
  values: ReadonlyMap<string, string>,
  contentType: string | undefined,
  data: Buffer | undefined,
  prefix: string,
): CloudEvent {
  const specversion = values.get('specversion');
  if (specversion === undefined) {
    throw new CloudEventValidationError('specversion', `missing required attribute 'specversion' (header '${prefix}specversion')`);
  }
  if (!isSpecVersion(specversion)) {
    throw new CloudEventValidationError('specversion', `unsupported specversion ${show(specversion)}`);
  }
  const event = {
    specversion,
    id: values.get('id'),
    source: values.get('source'),
    type: values.get('type'),
    extensions: {},
  } as CloudEvent;
  const datacontenttype = contentType ?? values.get('datacontenttype');
  if (datacontenttype !== undefined) event.datacontenttype = datacontenttype;
  const fields = event as unknown as Record<string, string>;
  for (const [name, value] of values) {
    if (name === 'specversion' || name === 'id' || name === 'source' || name === 'type' || name === 'datacontenttype') continue;
    if (isContextAttribute(name, specversion)) fields[name] = value;
    else event.extensions[name] = value;
  }
  if (data !== undefined) event.data = data;
  return validateEvent(event);
}
