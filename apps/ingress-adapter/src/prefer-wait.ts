import { Refusal } from './front-door';

/**
 * The `wait` preference of RFC 7240's `Prefer` header, in seconds; undefined when the request
 * has none. The header is a comma-separated list of `token [= value] *(; parameter)`, tokens
 * case-insensitive, values tokens or quoted strings, several headers one list (RFC 7240 §2);
 * `wait` takes delta-seconds (§4.3). A `wait` that is no number of seconds is refused (400)
 * rather than ignored, so a client does not mistake the 202 for its missing answer; `wait=0`
 * asks for no wait.
 */
export function preferredWait(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const list = Array.isArray(header) ? header.join(',') : header;
  for (const preference of list.split(',')) {
    const [head] = preference.split(';');
    const eq = head.indexOf('=');
    const token = (eq < 0 ? head : head.slice(0, eq)).trim().toLowerCase();
    if (token !== 'wait') continue;
    const value = eq < 0 ? '' : head.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    if (!/^\d{1,9}$/.test(value)) throw new Refusal(400, `Prefer: wait must be a whole number of seconds (RFC 7240), got ${JSON.stringify(value)}`);
    const seconds = Number(value);
    return seconds > 0 ? seconds : undefined;
  }
  return undefined;
}
