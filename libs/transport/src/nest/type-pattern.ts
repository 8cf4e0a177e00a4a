/**
 * Handlers are chosen by event type: a pattern is a type with `*` standing for any run of
 * characters (dots included), so `seldon.*.request` matches every deployment's requests and
 * `*` matches everything.
 */
export function compileTypePattern(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}

/** Picks the most specific pattern (fewest wildcards, then longest) matching a type. */
export class TypePatternTable<T> {
  private readonly entries: { pattern: string; regex: RegExp; value: T; rank: [number, number] }[] = [];

  add(pattern: string, value: T): void {
    const wildcards = pattern.split('*').length - 1;
    this.entries.push({ pattern, regex: compileTypePattern(pattern), value, rank: [wildcards, -pattern.length] });
    this.entries.sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1]);
  }

  match(type: string): T | undefined {
    return this.entries.find((e) => e.regex.test(type))?.value;
  }
}
