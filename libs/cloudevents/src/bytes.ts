import { isUtf8 } from 'node:buffer';

/** A Buffer over the same memory: kafkajs and callers may hand us plain Uint8Arrays. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * UTF-8 bytes to a string, or undefined when they are not valid UTF-8 (overlong forms and encoded
 * surrogates included). `Buffer#toString` would substitute U+FFFD silently, which the HTTP binding
 * forbids for header values and which would corrupt data on a round trip.
 */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  if (!isUtf8(bytes)) return undefined;
  return asBuffer(bytes).toString('utf8');
}

// ES2024, present in every Node this library supports (>= 20) but not in the ES2022 typings.
const isWellFormed = (String.prototype as unknown as { isWellFormed: (this: string) => boolean }).isWellFormed;

/** A string's UTF-8 bytes, or undefined when it holds an unpaired surrogate (no UTF-8 exists for it). */
export function encodeUtf8(value: string): Buffer | undefined {
  if (!isWellFormed.call(value)) return undefined;
  return Buffer.from(value, 'utf8');
}

/** Without a leading UTF-8 byte order mark, which JSON parsers may ignore (RFC 8259 section 8.1). */
export function withoutBom(bytes: Buffer): Buffer {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}
