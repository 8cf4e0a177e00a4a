/**
 * Handlers are chosen by event type: a pattern is a type with `*` standing for any run of
 * characters (dots included), so `seldon.*.request` matches every deployment's requests and
 * `*` matches everything.
 */
export function compileTypePattern(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}

/** Orders patterns most specific first: fewest wildcards, then longest. */
export function bySpecificity(a: string, b: string): number {
  return a.split('*').length - b.split('*').length || b.length - a.length;
}
