import { decodeUtf8 } from './bytes';
import { CloudEventValidationError, show } from './errors';

const HEX = '0123456789ABCDEF';
const PERCENT_ENCODED: readonly string[] = Array.from({ length: 256 }, (_, b) => `%${HEX[b >> 4]}${HEX[b & 15]}`);

function isPlainHeaderChar(c: number): boolean {
  // Printable ASCII except space (excluded by the range), double quote and percent.
  return c >= 0x21 && c <= 0x7e && c !== 0x22 && c !== 0x25;
}

/**
 * Percent-encodes an attribute value for an HTTP header (HTTP binding 3.1.3.2): space, double
 * quote, percent and everything outside printable ASCII become %XX of their UTF-8 bytes. Values
 * that need nothing, the usual case, are returned as they are, without allocating.
 */
export function encodeHttpHeaderValue(value: string): string {
  let i = 0;
  while (i < value.length && isPlainHeaderChar(value.charCodeAt(i))) i++;
  if (i === value.length) return value;
  let out = value.slice(0, i);
  for (; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (isPlainHeaderChar(c)) {
      out += value[i];
    } else if (c < 0x80) {
      out += PERCENT_ENCODED[c];
    } else {
      let codePoint = c;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
        const low = value.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          codePoint = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
          i++;
        }
      }
      // A lone surrogate (which validation rejects anyway) goes out as U+FFFD, as Buffer would.
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) codePoint = 0xfffd;
      if (codePoint < 0x800) {
        out += PERCENT_ENCODED[0xc0 | (codePoint >> 6)] + PERCENT_ENCODED[0x80 | (codePoint & 0x3f)];
      } else if (codePoint < 0x10000) {
        out +=
          PERCENT_ENCODED[0xe0 | (codePoint >> 12)] +
          PERCENT_ENCODED[0x80 | ((codePoint >> 6) & 0x3f)] +
          PERCENT_ENCODED[0x80 | (codePoint & 0x3f)];
      } else {
        out +=
          PERCENT_ENCODED[0xf0 | (codePoint >> 18)] +
          PERCENT_ENCODED[0x80 | ((codePoint >> 12) & 0x3f)] +
          PERCENT_ENCODED[0x80 | ((codePoint >> 6) & 0x3f)] +
          PERCENT_ENCODED[0x80 | (codePoint & 0x3f)];
      }
    }
  }
  return out;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

function invalidHeader(attribute: string, header: string, problem: string): never {
  throw new CloudEventValidationError(attribute, `header ${show(header)} of attribute '${attribute}' ${problem}`);
}

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/**
 * Undoes RFC 7230 quoted strings (older senders quoted values with spaces), then one round of
 * percent-decoding, then strict UTF-8 decoding (HTTP binding 3.1.3.2). Only `%XX` with two hex
 * digits is an escape; any other `%` is literal.
 *
 * Node hands header values over as latin1: one char per byte. A value holding a char above U+00FF
 * cannot have come off the wire that way, so it is taken as already-decoded Unicode text (headers
 * built in memory, as some SDKs do, without percent-encoding).
 */
export function decodeHttpHeaderValue(value: string, attribute: string, header: string): string {
  let i = 0;
  while (i < value.length && isPlainHeaderChar(value.charCodeAt(i))) i++;
  if (i === value.length) return value;

  let start = 0;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) start++;
  while (end > start && isOws(value.charCodeAt(end - 1))) end--;
  let text = start === 0 && end === value.length ? value : value.slice(start, end);

  if (text.includes('"')) {
    const unquoted = unquote(text);
    if (unquoted === undefined) invalidHeader(attribute, header, 'has an unterminated quoted string');
    text = unquoted;
  }

  let wide = false;
  let needsBytes = false;
  for (let j = 0; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c > 0xff) wide = true;
    if (c === 0x25 || c > 0x7f) needsBytes = true;
  }
  if (!needsBytes) return text;

  const bytes = Buffer.allocUnsafe(text.length * 3);
  let n = 0;
  for (let j = 0; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x25 && j + 2 < text.length) {
      const high = hexValue(text.charCodeAt(j + 1));
      const low = hexValue(text.charCodeAt(j + 2));
      if (high >= 0 && low >= 0) {
        bytes[n++] = (high << 4) | low;
        j += 2;
        continue;
      }
    }
    if (c < 0x80 || (!wide && c <= 0xff)) {
      bytes[n++] = c;
    } else {
      // Wide text: the char's own UTF-8 bytes. Buffer#write would turn a lone surrogate into
      // U+FFFD without a word, so pairs are checked here.
      let width = 1;
      if (c >= 0xd800 && c <= 0xdfff) {
        const low = text.charCodeAt(j + 1);
        if (c > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) invalidHeader(attribute, header, 'holds an unpaired surrogate');
        width = 2;
      }
      n += bytes.write(text.slice(j, j + width), n, 'utf8');
      j += width - 1;
    }
  }
  const decoded = decodeUtf8(bytes.subarray(0, n));
  return decoded ?? invalidHeader(attribute, header, 'is not valid UTF-8 after percent-decoding');
}

/** RFC 7230 3.2.6: drops the quotes of quoted strings and resolves their backslash escapes. */
function unquote(text: string): string | undefined {
  let out = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      quoted = !quoted;
    } else if (quoted && c === '\\') {
      i++;
      if (i === text.length) return undefined;
      out += text[i];
    } else {
      out += c;
    }
  }
  return quoted ? undefined : out;
}
