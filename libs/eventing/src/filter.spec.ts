import { createEvent, type CloudEvent } from '@seldon-eventing/cloudevents';
import fc from 'fast-check';
import { ManifestError, UnsupportedFilterError, compileFilter, loadManifests, parseTrigger, type SubscriptionsApiFilter, type Trigger } from './index';

const base = { name: 'foo', namespace: 'default', broker: 'default', annotations: {}, subscriber: { uri: 'http://sink.example/' } };
const withAttributes = (attributes: Record<string, string>): Trigger => ({ ...base, filter: { attributes } });
const withFilters = (...filters: SubscriptionsApiFilter[]): Trigger => ({ ...base, filters });

const request = createEvent({
  specversion: '0.3',
  id: '536808d3-88be-4077-9d7a-a3f162705f79',
  source: 'seldon.examples.streaming.curl',
  type: 'seldon.iris-deployment.default.request',
  datacontenttype: 'application/json; charset=utf-8',
  extensions: { path: '/api/v1.0/predictions', knativebrokerttl: 255, empty: '' },
  data: { data: { ndarray: [[1, 2, 3, 4]] } },
});
const response = createEvent({ source: 'seldon.iris-deployment', type: 'seldon.iris-deployment.default.response', subject: 'iris' });

describe('compileFilter: filter.attributes', () => {
  it('matches everything without a filter, or with an empty one', () => {
    expect(compileFilter(base)(request)).toBe(true);
    expect(compileFilter({ ...base, filter: {} })(request)).toBe(true);
    expect(compileFilter(withAttributes({}))(request)).toBe(true);
  });

  it('needs every listed attribute to be equal', () => {
    const f = compileFilter(withAttributes({ type: 'seldon.iris-deployment.default.response', source: 'seldon.iris-deployment' }));
    expect(f(response)).toBe(true);
    expect(f({ ...response, source: 'elsewhere' })).toBe(false);
    expect(f(request)).toBe(false);
  });

  it('compares extensions too, as strings', () => {
    expect(compileFilter(withAttributes({ path: '/api/v1.0/predictions' }))(request)).toBe(true);
    expect(compileFilter(withAttributes({ knativebrokerttl: '255' }))(request)).toBe(true);
    expect(compileFilter(withAttributes({ path: '/other' }))(request)).toBe(false);
    expect(compileFilter(withAttributes({ missing: 'x' }))(request)).toBe(false);
  });

  it('treats "" as "present with a non-empty value", as Knative does', () => {
    expect(compileFilter(withAttributes({ path: '' }))(request)).toBe(true); // extension present
    expect(compileFilter(withAttributes({ missing: '' }))(request)).toBe(false); // extension absent
    expect(compileFilter(withAttributes({ empty: '' }))(request)).toBe(false); // present but empty
    expect(compileFilter(withAttributes({ subject: '' }))(response)).toBe(true);
    expect(compileFilter(withAttributes({ subject: '' }))(request)).toBe(false); // optional attribute never set
    expect(compileFilter(withAttributes({ type: '' }))(request)).toBe(true);
  });

  it('knows datamediatype and treats dataschema/schemaurl as one attribute', () => {
    expect(compileFilter(withAttributes({ datamediatype: 'application/json' }))(request)).toBe(true);
    expect(compileFilter(withAttributes({ datacontenttype: 'application/json' }))(request)).toBe(false);
    const v03 = createEvent({ specversion: '0.3', source: 's', type: 't', schemaurl: 'http://schema/x' });
    const v10 = createEvent({ source: 's', type: 't', dataschema: 'http://schema/x' });
    for (const name of ['dataschema', 'schemaurl']) {
      expect(compileFilter(withAttributes({ [name]: 'http://schema/x' }))(v03)).toBe(true);
      expect(compileFilter(withAttributes({ [name]: 'http://schema/x' }))(v10)).toBe(true);
    }
  });

  it('matches the specversion', () => {
    expect(compileFilter(withAttributes({ specversion: '0.3' }))(request)).toBe(true);
    expect(compileFilter(withAttributes({ specversion: '1.0' }))(request)).toBe(false);
  });
});

describe('compileFilter: SubscriptionsAPI filters', () => {
  const cases: Array<[string, SubscriptionsApiFilter, CloudEvent, boolean]> = [
    ['exact', { exact: { type: 'seldon.iris-deployment.default.request' } }, request, true],
    ['exact, other value', { exact: { type: 'seldon.iris-deployment' } }, request, false],
    ['exact on an extension', { exact: { path: '/api/v1.0/predictions' } }, request, true],
    ['exact with two attributes, both hold', { exact: { type: 'seldon.iris-deployment.default.request', source: 'seldon.examples.streaming.curl' } }, request, true],
    ['exact with two attributes, one fails', { exact: { type: 'seldon.iris-deployment.default.request', source: 'x' } }, request, false],
    ['prefix', { prefix: { type: 'seldon.iris-deployment.' } }, request, true],
    ['prefix, not a prefix', { prefix: { type: 'iris' } }, request, false],
    ['prefix on a missing attribute', { prefix: { subject: 'i' } }, request, false],
    ['suffix', { suffix: { type: '.request' } }, request, true],
    ['suffix, not a suffix', { suffix: { type: '.response' } }, request, false],
    ['suffix on an extension', { suffix: { path: 'predictions' } }, request, true],
    ['all, all hold', { all: [{ prefix: { type: 'seldon.' } }, { suffix: { type: '.request' } }] }, request, true],
    ['all, one fails', { all: [{ prefix: { type: 'seldon.' } }, { suffix: { type: '.response' } }] }, request, false],
    ['any, one holds', { any: [{ exact: { type: 'x' } }, { suffix: { type: '.request' } }] }, request, true],
    ['any, none holds', { any: [{ exact: { type: 'x' } }, { exact: { type: 'y' } }] }, request, false],
    ['not', { not: { exact: { type: 'x' } } }, request, true],
    ['not of a match', { not: { suffix: { type: '.request' } } }, request, false],
    ['not of a missing attribute', { not: { exact: { subject: 'iris' } } }, request, true],
    [
      'nested: any of (all of prefix+not suffix) or exact',
      { any: [{ all: [{ prefix: { type: 'seldon.' } }, { not: { suffix: { type: '.request' } } }] }, { exact: { source: 'seldon.iris-deployment' } }] },
      response,
      true,
    ],
    ['nested: not(any(...))', { not: { any: [{ exact: { type: 'x' } }, { prefix: { source: 'seldon.iris' } }] } }, response, false],
  ];
  it.each(cases)('%s', (_name, filter, event, expected) => {
    expect(compileFilter(withFilters(filter))(event)).toBe(expected);
  });

  it('ANDs the items of the filters list', () => {
    expect(compileFilter(withFilters({ prefix: { type: 'seldon.' } }, { exact: { subject: 'iris' } }))(response)).toBe(true);
    expect(compileFilter(withFilters({ prefix: { type: 'seldon.' } }, { exact: { subject: 'other' } }))(response)).toBe(false);
  });

  it('lets non-empty filters replace filter.attributes, and ignores an empty filters list', () => {
    const trigger: Trigger = { ...withAttributes({ type: 'never' }), filters: [{ suffix: { type: '.request' } }] };
    expect(compileFilter(trigger)(request)).toBe(true);
    expect(compileFilter({ ...trigger, filters: [] })(request)).toBe(false);
  });
});

describe('compileFilter: errors', () => {
  it('refuses CESQL with a clear error naming the trigger, wherever it is nested', () => {
    const direct = () => compileFilter(withFilters({ cesql: "type = 'x'" }));
    expect(direct).toThrow(UnsupportedFilterError);
    expect(direct).toThrow(ManifestError);
    expect(direct).toThrow('CESQL filters are not supported yet (trigger default/foo)');
    expect(() => compileFilter(withFilters({ exact: { type: 'a' } }, { any: [{ not: { cesql: 'true' } }] }))).toThrow(
      new UnsupportedFilterError('CESQL filters are not supported yet (trigger default/foo): spec.filters[1].any[0].not.cesql is "true"'),
    );
  });

  it('names the file of a Trigger loaded from a manifest', () => {
    const [obj] = loadManifests(
      'apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: { name: foo }\nspec:\n  filters: [{ cesql: "true" }]\n  subscriber: { uri: "http://x/" }\n',
      'config/x.yaml',
    );
    expect(() => compileFilter(parseTrigger(obj))).toThrow(
      'CESQL filters are not supported yet (trigger default/foo): spec.filters[0].cesql is "true" (config/x.yaml document 1)',
    );
  });

  it.each<[string, unknown, string]>([
    ['no dialect', [{}], 'Trigger default/foo: spec.filters[0] has no filter dialect: it needs exactly one of exact, prefix, suffix, all, any, not, cesql'],
    ['two dialects', [{ exact: { type: 'a' }, not: { exact: { type: 'b' } } }], 'Trigger default/foo: spec.filters[0] has 2 filter dialects (exact, not): it needs exactly one'],
    ['two dialects, nested', [{ all: [{ suffix: { type: 'a' }, prefix: { type: 'b' } }] }], 'Trigger default/foo: spec.filters[0].all[0] has 2 filter dialects (suffix, prefix): it needs exactly one'],
    ['an empty exact', [{ exact: {} }], 'Trigger default/foo: spec.filters[0].exact must name at least one attribute'],
    ['a non-string value', [{ prefix: { type: 1 } }], 'Trigger default/foo: spec.filters[0].prefix.type must be a string, got number 1'],
    ['a bad attribute name', [{ suffix: { 'Type-X': 'a' } }], 'Trigger default/foo: spec.filters[0].suffix.Type-X is not a valid attribute name (lower-case letters and digits, starting with a letter)'],
    ['not a list', { exact: { type: 'a' } }, 'Trigger default/foo: spec.filters must be a list of filters, got a mapping'],
    ['a null item', [null], 'Trigger default/foo: spec.filters[0] must be a mapping with one filter dialect (exact, prefix, suffix, all, any, not, cesql), got null'],
  ])('refuses %s', (_name, filters, message) => {
    expect(() => compileFilter({ ...base, filters } as unknown as Trigger)).toThrow(new ManifestError(message));
  });

  it('refuses hostile nesting instead of overflowing the stack', () => {
    let filter: SubscriptionsApiFilter = { exact: { type: 'a' } };
    for (let i = 0; i < 10_000; i++) filter = { not: filter };
    expect(() => compileFilter(withFilters(filter))).toThrow(/nests filters more than 64 levels deep/);
  });
});

// ---------------------------------------------------------------------------------------------
// Property-based checks.

const NAMES = ['type', 'source', 'subject', 'id', 'time', 'dataschema', 'schemaurl', 'datacontenttype', 'datamediatype', 'specversion', 'path', 'ext1'];
const VALUES = ['a', 'ab', 'abc', 'b', 'seldon.', 'seldon.iris.request', '.request', 'application/json', '1.0', '0.3'];

const validMap = fc.dictionary(fc.constantFrom(...NAMES), fc.constantFrom(...VALUES), { minKeys: 1, maxKeys: 3 });
const { validFilter } = fc.letrec<{ validFilter: SubscriptionsApiFilter }>((tie) => ({
  validFilter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    validMap.map((exact) => ({ exact })),
    validMap.map((prefix) => ({ prefix })),
    validMap.map((suffix) => ({ suffix })),
    fc.array(tie('validFilter'), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
    fc.array(tie('validFilter'), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
    tie('validFilter').map((not) => ({ not })),
  ),
}));

const DIALECT_KEYS = ['exact', 'prefix', 'suffix', 'all', 'any', 'not', 'cesql', 'bogus'];
const { messyFilter } = fc.letrec<{ messyFilter: unknown }>((tie) => ({
  messyFilter: fc.oneof(
    { depthSize: 'small' },
    { arbitrary: validFilter, weight: 4 },
    fc.anything({ maxDepth: 2 }),
    fc.dictionary(
      fc.constantFrom(...DIALECT_KEYS),
      fc.oneof(fc.anything({ maxDepth: 1 }), fc.dictionary(fc.oneof(fc.constantFrom(...NAMES), fc.string()), fc.oneof(fc.string(), fc.anything())), fc.array(tie('messyFilter'), { maxLength: 3 }), tie('messyFilter')),
      { maxKeys: 3 },
    ),
  ),
}));

const messyAttributes = fc.oneof(
  fc.constant(undefined),
  fc.dictionary(fc.constantFrom(...NAMES), fc.constantFrom('', ...VALUES), { maxKeys: 3 }),
  fc.dictionary(fc.string(), fc.anything({ maxDepth: 1 }), { maxKeys: 2 }),
  fc.anything({ maxDepth: 2 }),
);
const attributeValue = fc.oneof(fc.constantFrom(...VALUES), fc.string(), fc.constant(undefined));
const messyValue = fc.oneof(attributeValue, fc.integer(), fc.boolean(), fc.constant(null), fc.anything({ maxDepth: 1 }));
const anyEvent = fc
  .record(
    {
      specversion: fc.oneof(fc.constantFrom('1.0', '0.3'), messyValue),
      id: messyValue,
      source: messyValue,
      type: messyValue,
      subject: messyValue,
      time: messyValue,
      dataschema: messyValue,
      schemaurl: messyValue,
      datacontenttype: messyValue,
      extensions: fc.oneof(fc.dictionary(fc.constantFrom(...NAMES), messyValue), fc.constant(null), fc.constant(undefined), fc.anything({ maxDepth: 1 })),
    },
    { requiredKeys: [] },
  )
  .map((e) => e as unknown as CloudEvent);

const wellFormedEvent = fc
  .record({
    specversion: fc.constantFrom('1.0', '0.3'),
    id: fc.constantFrom(...VALUES),
    source: fc.constantFrom(...VALUES),
    type: fc.constantFrom(...VALUES),
    subject: fc.option(fc.constantFrom(...VALUES), { nil: undefined }),
    datacontenttype: fc.option(fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain'), { nil: undefined }),
    extensions: fc.dictionary(fc.constantFrom('path', 'ext1'), fc.constantFrom(...VALUES)),
  })
  .map((e) => JSON.parse(JSON.stringify(e)) as CloudEvent);

/** A deliberately naive reading of Knative's semantics, to check the compiled closures against. */
function reference(filter: SubscriptionsApiFilter, event: CloudEvent): boolean {
  const lookup = (name: string): string | undefined => {
    const e = event as unknown as Record<string, string | undefined>;
    if (name === 'dataschema' || name === 'schemaurl') return e.dataschema ?? e.schemaurl;
    if (name === 'datamediatype') return e.datacontenttype?.split(';')[0].trim();
    if (['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype'].includes(name)) return e[name];
    return event.extensions[name];
  };
  const test = (map: Record<string, string>, ok: (v: string, x: string) => boolean) =>
    Object.entries(map).every(([name, x]) => {
      const v = lookup(name);
      return v !== undefined && ok(v, x);
    });
  if (filter.exact) return test(filter.exact, (v, x) => v === x);
  if (filter.prefix) return test(filter.prefix, (v, x) => v.startsWith(x));
  if (filter.suffix) return test(filter.suffix, (v, x) => v.endsWith(x));
  if (filter.all) return filter.all.every((f) => reference(f, event));
  if (filter.any) return filter.any.some((f) => reference(f, event));
  if (filter.not) return !reference(filter.not, event);
  throw new Error('unexpected filter');
}

describe('compileFilter: properties', () => {
  it('on any filter spec either throws a ManifestError or returns a filter that never throws', () => {
    fc.assert(
      fc.property(fc.array(messyFilter, { maxLength: 3 }), messyAttributes, fc.array(anyEvent, { minLength: 1, maxLength: 5 }), (filters, attributes, events) => {
        const trigger = { ...base, filters, filter: { attributes } } as unknown as Trigger;
        let filter: ((e: CloudEvent) => boolean) | undefined;
        try {
          filter = compileFilter(trigger);
        } catch (err) {
          expect(err).toBeInstanceOf(ManifestError);
          return;
        }
        for (const event of events) expect(typeof filter(event)).toBe('boolean');
      }),
      { numRuns: 400 },
    );
  });

  it('agrees with a naive reading of the Knative semantics on valid filters', () => {
    fc.assert(
      fc.property(fc.array(validFilter, { minLength: 1, maxLength: 3 }), fc.array(wellFormedEvent, { minLength: 1, maxLength: 5 }), (filters, events) => {
        const compiled = compileFilter(withFilters(...filters));
        const negated = compileFilter(withFilters({ not: { all: filters } }));
        for (const event of events) {
          const expected = filters.every((f) => reference(f, event));
          expect(compiled(event)).toBe(expected);
          expect(negated(event)).toBe(!expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});
