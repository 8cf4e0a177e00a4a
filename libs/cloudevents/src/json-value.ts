/** The JSON type of a value, for "got ..." in messages; bytes are `bytes`, not an object. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Uint8Array) return 'bytes';
  return typeof value;
}

/**
 * Whether a parsed JSON or YAML value is a mapping (a JSON object): not null, a list, bytes, or
 * a Date (which YAML timestamps may parse to).
 */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date);
}

// RFC 3986: a scheme followed by ':' is what makes a URI absolute.
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** Whether `uri` is absolute (has a scheme), as Go's url.URL.IsAbs() has it. */
export function isAbsoluteUri(uri: string): boolean {
  return ABSOLUTE_URI.test(uri);
}
