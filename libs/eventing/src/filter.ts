import { isMapping, type CloudEventAttributes } from '@seldon-eventing/cloudevents';
import { ManifestError, UnsupportedFilterError } from './errors';
import { normalizeAttributes, normalizeFilterList, type Fail } from './filter-spec';
import { describeOrigin, describeValue, typeName } from './manifests';
import { describeTrigger, triggerOriginOf, type SubscriptionsApiFilter, type Trigger } from './model';

/** Reads attributes only: a parsed event, or a record's attributes read from its headers (kafkaHeaderAttributes). */
export type EventFilter = (event: CloudEventAttributes) => boolean;

type Getter = (event: CloudEventAttributes) => string | undefined;

function attributeText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  // Extensions are strings in a well-formed event; tolerate a number or boolean from a hand-built one.
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

type Loose = Record<string, unknown> | null | undefined;

function contextAttribute(name: string): Getter {
  return (event) => attributeText((event as unknown as Loose)?.[name]);
}

function extension(name: string): Getter {
  return (event) => {
    const extensions: unknown = (event as unknown as Loose)?.extensions;
    if (typeof extensions !== 'object' || extensions === null || !Object.hasOwn(extensions, name)) return undefined;
    return attributeText((extensions as Record<string, unknown>)[name]);
  };
}

/**
 * How Knative looks an attribute up (eventfilter/attributes LookupAttribute): the context
 * attributes of either specversion by name - `dataschema` and `schemaurl` both meaning the
 * schema, `datamediatype` the content type without parameters - and anything else as an
 * extension. Chosen once per filter entry, so matching an event is a property read and a compare.
 */
export function attributeGetter(name: string): Getter {
  switch (name) {
    case 'specversion':
    case 'id':
    case 'source':
    case 'type':
    case 'subject':
    case 'time':
    case 'datacontenttype':
    case 'datacontentencoding':
      return contextAttribute(name);
    case 'dataschema':
    case 'schemaurl': {
      const dataschema = contextAttribute('dataschema');
      const schemaurl = contextAttribute('schemaurl');
      return (event) => dataschema(event) ?? schemaurl(event);
    }
    case 'datamediatype': {
      const contentType = contextAttribute('datacontenttype');
      return (event) => {
        const value = contentType(event);
        if (value === undefined) return undefined;
        const semicolon = value.indexOf(';');
        return semicolon < 0 ? value : value.slice(0, semicolon).trim();
      };
    }
    default:
      return extension(name);
  }
}

const matchAll: EventFilter = () => true;

function allOf(filters: EventFilter[]): EventFilter {
  if (filters.length === 1) return filters[0];
  if (filters.length === 2) {
    const [a, b] = filters;
    return (event) => a(event) && b(event);
  }
  return (event) => {
    for (const f of filters) if (!f(event)) return false;
    return true;
  };
}

function anyOf(filters: EventFilter[]): EventFilter {
  if (filters.length === 1) return filters[0];
  return (event) => {
    for (const f of filters) if (f(event)) return true;
    return false;
  };
}

/**
 * `filter.attributes` (eventfilter/attributes/filter.go): every attribute must be there with the
 * given value; "" matches any value but an absent or empty one, so `subject: ""` needs a subject.
 */
function compileAttributes(attributes: Record<string, string>): EventFilter {
  const checks = Object.keys(attributes).map((name): EventFilter => {
    const get = attributeGetter(name);
    const expected = attributes[name];
    if (expected === '') {
      return (event) => {
        const value = get(event);
        return value !== undefined && value !== '';
      };
    }
    return (event) => get(event) === expected;
  });
  return checks.length === 0 ? matchAll : allOf(checks);
}

function compileMap(map: Record<string, string>, test: (value: string, expected: string) => boolean): EventFilter {
  return allOf(
    Object.keys(map).map((name): EventFilter => {
      const get = attributeGetter(name);
      const expected = map[name];
      return (event) => {
        const value = get(event);
        return value !== undefined && test(value, expected);
      };
    }),
  );
}

const exactly = (value: string, expected: string): boolean => value === expected;
const startsWith = (value: string, expected: string): boolean => value.startsWith(expected);
const endsWith = (value: string, expected: string): boolean => value.endsWith(expected);

function compileOne(filter: SubscriptionsApiFilter, field: string, cesql: (field: string, expression: string) => never): EventFilter {
  if (filter.exact) return compileMap(filter.exact, exactly);
  if (filter.prefix) return compileMap(filter.prefix, startsWith);
  if (filter.suffix) return compileMap(filter.suffix, endsWith);
  if (filter.all) return allOf(filter.all.map((f, i) => compileOne(f, `${field}.all[${i}]`, cesql)));
  if (filter.any) return anyOf(filter.any.map((f, i) => compileOne(f, `${field}.any[${i}]`, cesql)));
  if (filter.not) {
    const inner = compileOne(filter.not, `${field}.not`, cesql);
    return (event) => !inner(event);
  }
  return cesql(`${field}.cesql`, filter.cesql ?? '');
}

/**
 * A Trigger's filter as one precompiled predicate for the hot path. Non-empty `filters`
 * (SubscriptionsAPI, ANDed) replace `filter.attributes`, as in Knative's filter handler; with
 * neither, every event matches. The filter spec is validated again here, so a Trigger built by
 * hand gets the same ManifestErrors as one from a manifest; a CESQL expression anywhere is an
 * UnsupportedFilterError rather than a filter that silently passes or drops everything.
 */
export function compileFilter(trigger: Trigger): EventFilter {
  const where = describeTrigger(trigger);
  const fail: Fail = (field, problem) => {
    throw new ManifestError(`${where}: ${field} ${problem}`);
  };
  if (!isMapping(trigger)) throw new ManifestError(`compileFilter needs a Trigger, got ${typeName(trigger)}`);
  const raw = trigger as unknown as Record<string, unknown>;

  let attributes: Record<string, string> | undefined;
  if (raw.filter !== undefined && raw.filter !== null) {
    if (!isMapping(raw.filter)) fail('spec.filter', `must be a mapping, got ${typeName(raw.filter)}`);
    const attrs = raw.filter.attributes;
    if (attrs !== undefined && attrs !== null) attributes = normalizeAttributes(attrs, 'spec.filter.attributes', fail);
  }
  const filters = raw.filters === undefined || raw.filters === null ? [] : normalizeFilterList(raw.filters, 'spec.filters', fail);

  if (filters.length === 0) return attributes ? compileAttributes(attributes) : matchAll;

  const id = `trigger ${describeValue(trigger.namespace)}/${describeValue(trigger.name)}`;
  const cesql = (field: string, expression: string): never => {
    const origin = triggerOriginOf(trigger);
    const from = origin ? ` (${describeOrigin(origin)})` : '';
    throw new UnsupportedFilterError(`CESQL filters are not supported yet (${id}): ${field} is ${JSON.stringify(expression)}${from}`);
  };
  return allOf(filters.map((f, i) => compileOne(f, `spec.filters[${i}]`, cesql)));
}
