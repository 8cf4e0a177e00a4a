import type { SpecVersion } from './event';

export type RequiredAttribute = 'specversion' | 'id' | 'source' | 'type';
export type OptionalAttribute = 'datacontenttype' | 'dataschema' | 'schemaurl' | 'subject' | 'time' | 'datacontentencoding';

export const REQUIRED_ATTRIBUTES: readonly RequiredAttribute[] = ['specversion', 'id', 'source', 'type'];

/**
 * The optional context attributes each version defines, in the order the codecs write them. A name
 * of the other version (a 1.0 event's `schemaurl`) is just an extension there.
 */
export const OPTIONAL_ATTRIBUTES: Readonly<Record<SpecVersion, readonly OptionalAttribute[]>> = {
  '1.0': ['datacontenttype', 'dataschema', 'subject', 'time'],
  '0.3': ['datacontenttype', 'datacontentencoding', 'schemaurl', 'subject', 'time'],
};

const CONTEXT_ATTRIBUTES: Readonly<Record<SpecVersion, ReadonlySet<string>>> = {
  '1.0': new Set<string>([...REQUIRED_ATTRIBUTES, ...OPTIONAL_ATTRIBUTES['1.0']]),
  '0.3': new Set<string>([...REQUIRED_ATTRIBUTES, ...OPTIONAL_ATTRIBUTES['0.3']]),
};

const ANY_VERSION_CONTEXT_ATTRIBUTES: ReadonlySet<string> = new Set([
  ...CONTEXT_ATTRIBUTES['1.0'],
  ...CONTEXT_ATTRIBUTES['0.3'],
]);

export function isSpecVersion(value: unknown): value is SpecVersion {
  return value === '1.0' || value === '0.3';
}

/** Whether `name` is a context attribute of `version`, or of either version when none is given. */
export function isContextAttribute(name: string, version?: SpecVersion): boolean {
  return (version === undefined ? ANY_VERSION_CONTEXT_ATTRIBUTES : CONTEXT_ATTRIBUTES[version]).has(name);
}

/** The spec's naming rule, a-z and 0-9 only, checked by hand: it runs for every header of every event. */
export function isAttributeName(name: string): boolean {
  const length = name.length;
  if (length === 0) return false;
  for (let i = 0; i < length; i++) {
    const c = name.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39))) return false;
  }
  return true;
}
