import { isMapping } from '@seldon-eventing/cloudevents';
import { typeName } from './manifests';
import type { SubscriptionsApiFilter } from './model';

/** Knative's rule for attribute names in filters (trigger_validation.go): lower-case, a letter first. */
export const ATTRIBUTE_NAME = /^[a-z][a-z0-9]*$/;

export const FILTER_DIALECTS = ['exact', 'prefix', 'suffix', 'all', 'any', 'not', 'cesql'] as const;
export type FilterDialect = (typeof FILTER_DIALECTS)[number];

/** Deeper nesting than this is refused rather than risking the stack on a hostile manifest. */
export const MAX_FILTER_DEPTH = 64;

/** Reports a problem with `field` and never returns. */
export type Fail = (field: string, problem: string) => never;

const DIALECT_LIST = FILTER_DIALECTS.join(', ');
const isDialect = (key: string): key is FilterDialect => (FILTER_DIALECTS as readonly string[]).includes(key);

/** `spec.filter.attributes`: attribute name -> value, where "" means "present with any value". */
export function normalizeAttributes(raw: unknown, field: string, fail: Fail): Record<string, string> {
  if (!isMapping(raw)) fail(field, `must be a mapping of attribute name to value, got ${typeName(raw)}`);
  const out: Record<string, string> = {};
  for (const name of Object.keys(raw)) {
    if (!ATTRIBUTE_NAME.test(name)) {
      fail(`${field}.${name}`, 'is not a valid attribute name (lower-case letters and digits, starting with a letter)');
    }
    const value = raw[name];
    if (typeof value !== 'string') fail(`${field}.${name}`, `must be a string ("" matches any value), got ${typeName(value)}`);
    out[name] = value;
  }
  return out;
}

/** `spec.filters` or a nested `all`/`any` list: every item validated, copies returned. */
export function normalizeFilterList(raw: unknown, field: string, fail: Fail, depth = 0): SubscriptionsApiFilter[] {
  if (!Array.isArray(raw)) fail(field, `must be a list of filters, got ${typeName(raw)}`);
  return raw.map((item, i) => normalizeFilter(item, `${field}[${i}]`, fail, depth));
}

function attributeMap(raw: unknown, field: string, fail: Fail): Record<string, string> {
  if (!isMapping(raw)) fail(field, `must be a mapping of attribute name to value, got ${typeName(raw)}`);
  const names = Object.keys(raw);
  if (names.length === 0) fail(field, 'must name at least one attribute');
  const out: Record<string, string> = {};
  for (const name of names) {
    if (!ATTRIBUTE_NAME.test(name)) {
      fail(`${field}.${name}`, 'is not a valid attribute name (lower-case letters and digits, starting with a letter)');
    }
    const value = raw[name];
    if (typeof value !== 'string') fail(`${field}.${name}`, `must be a string, got ${typeName(value)}`);
    if (value === '') fail(`${field}.${name}`, 'must not be empty');
    out[name] = value;
  }
  return out;
}

/**
 * One SubscriptionsAPI filter: exactly one dialect, its value well-formed. Null values count as
 * absent, as they do for Kubernetes. CESQL passes here (it is valid Knative); compiling refuses it.
 */
export function normalizeFilter(raw: unknown, field: string, fail: Fail, depth = 0): SubscriptionsApiFilter {
  if (!isMapping(raw)) fail(field, `must be a mapping with one filter dialect (${DIALECT_LIST}), got ${typeName(raw)}`);
  if (depth >= MAX_FILTER_DEPTH) fail(field, `nests filters more than ${MAX_FILTER_DEPTH} levels deep`);
  const present = Object.keys(raw).filter((key) => raw[key] !== undefined && raw[key] !== null);
  for (const key of present) {
    if (!isDialect(key)) fail(`${field}.${key}`, `is not a filter dialect (expected one of ${DIALECT_LIST})`);
  }
  if (present.length === 0) fail(field, `has no filter dialect: it needs exactly one of ${DIALECT_LIST}`);
  if (present.length > 1) fail(field, `has ${present.length} filter dialects (${present.join(', ')}): it needs exactly one`);
  const dialect = present[0] as FilterDialect;
  const value = raw[dialect];
  const at = `${field}.${dialect}`;
  switch (dialect) {
    case 'exact':
    case 'prefix':
    case 'suffix':
      return { [dialect]: attributeMap(value, at, fail) };
    case 'all':
    case 'any': {
      if (!Array.isArray(value)) fail(at, `must be a list of filters, got ${typeName(value)}`);
      if (value.length === 0) fail(at, 'must contain at least one filter');
      return { [dialect]: normalizeFilterList(value, at, fail, depth + 1) };
    }
    case 'not':
      return { not: normalizeFilter(value, at, fail, depth + 1) };
    case 'cesql':
      if (typeof value !== 'string') fail(at, `must be a string, got ${typeName(value)}`);
      if (value.trim() === '') fail(at, 'must not be empty');
      return { cesql: value };
  }
}
