export const CLOUDEVENTS_JSON = 'application/cloudevents+json';
export const CLOUDEVENTS_BATCH_JSON = 'application/cloudevents-batch+json';
export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';
export const BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json; charset=utf-8';

// RFC 9110 tchar, as a lookup table: the validator runs for every event's content type.
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TCHAR[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TCHAR[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TCHAR[c] = 1;

function isTchar(c: number): boolean {
  return c < 128 && TCHAR[c] === 1;
}

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function skipToken(s: string, i: number): number {
  while (i < s.length && isTchar(s.charCodeAt(i))) i++;
  return i;
}

/** Index just past the quoted-string starting at `i` (on its opening quote), or -1. */
function skipQuotedString(s: string, i: number): number {
  for (i++; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c === 0x5c) {
      i++;
      const escaped = s.charCodeAt(i);
      if (!(escaped === 0x09 || (escaped >= 0x20 && escaped !== 0x7f && escaped <= 0xff))) return -1;
    } else if (!(c === 0x09 || (c >= 0x20 && c !== 0x7f && c <= 0xff))) {
      return -1;
    }
  }
  return -1;
}

/**
 * RFC 9110 media-type: `type "/" subtype *( OWS ";" OWS [ parameter ] )`, parameter values a token
 * or a quoted-string. Trailing whitespace is tolerated. Hand-written: a regex for the parameter
 * list would backtrack badly on hostile input.
 */
export function isValidMediaType(s: string): boolean {
  let i = skipToken(s, 0);
  if (i === 0 || s.charCodeAt(i) !== 0x2f) return false;
  const subtype = i + 1;
  i = skipToken(s, subtype);
  if (i === subtype) return false;
  for (;;) {
    while (i < s.length && isOws(s.charCodeAt(i))) i++;
    if (i === s.length) return true;
    if (s.charCodeAt(i) !== 0x3b) return false;
    i++;
    while (i < s.length && isOws(s.charCodeAt(i))) i++;
    if (i === s.length || s.charCodeAt(i) === 0x3b) continue;
    const name = i;
    i = skipToken(s, name);
    if (i === name || s.charCodeAt(i) !== 0x3d) return false;
    i++;
    if (s.charCodeAt(i) === 0x22) {
      i = skipQuotedString(s, i);
      if (i < 0) return false;
    } else {
      const value = i;
      i = skipToken(s, value);
      if (i === value) return false;
    }
  }
}

/** `type/subtype`, lower-cased, without parameters or surrounding whitespace. */
export function mediaTypeEssence(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  const essence = semicolon < 0 ? contentType : contentType.slice(0, semicolon);
  return essence.trim().toLowerCase();
}

/**
 * Whether a content type declares JSON data: subtype `json` or a `+json` suffix (JSON format spec
 * 3.1), parameters ignored. No content type means JSON, the CloudEvents default.
 */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  if (contentType === 'application/json') return true;
  const essence = mediaTypeEssence(contentType);
  if (essence.indexOf('/') <= 0) return false;
  return essence.endsWith('/json') || essence.endsWith('+json');
}

export function isTextContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && mediaTypeEssence(contentType).startsWith('text/');
}
