import { jsonTypeOf } from './json-value';

/**
 * The only error the parsers and validators throw for bad input, so callers can tell "this message
 * is not a valid CloudEvent" (reject it, 400) from a bug (500) with one instanceof check.
 */
export class CloudEventValidationError extends Error {
  override readonly name = 'CloudEventValidationError';

  constructor(
    /** The offending attribute (or `data`, `data_base64`), when the problem is about one. */
    public readonly attribute: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

const MAX_SHOWN = 64;

/**
 * Quotes a value for an error message. Values come from the wire: they are cut short so a huge
 * header cannot flood the logs, and escaped so a newline in one cannot forge a log line.
 */
export function show(value: unknown): string {
  let text =
    typeof value === 'string'
      ? value
      : typeof value === 'object' || typeof value === 'function'
        ? `<${jsonTypeOf(value)}>`
        : String(value);
  if (text.length > MAX_SHOWN) text = `${text.slice(0, MAX_SHOWN)}…`;
  const escaped = JSON.stringify(text).slice(1, -1);
  return `'${escaped}'`;
}

/** A caught error's message, made safe for ours the same way as `show`. */
export function reason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return show(message).slice(1, -1);
}
