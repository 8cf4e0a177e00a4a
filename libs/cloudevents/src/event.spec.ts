import {
  CloudEventValidationError,
  createEvent,
  eventDataJson,
  getAttribute,
  isJsonContentType,
  SPEC_VERSIONS,
  withExtensions,
} from './index';

describe('createEvent', () => {
  it('fills in specversion 1.0 and a UUID id, and nothing else', () => {
    const event = createEvent({ source: '/s', type: 't' });
    expect(event.specversion).toBe('1.0');
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(event).toStrictEqual({ specversion: '1.0', id: event.id, source: '/s', type: 't', extensions: {} });
    expect(Object.isFrozen(event)).toBe(false);
  });

  it('turns object data into JSON bytes with datacontenttype application/json', () => {
    const event = createEvent({ source: '/s', type: 't', data: { a: [1, 'é'] } });
    expect(event.datacontenttype).toBe('application/json');
    expect(event.data).toEqual(Buffer.from('{"a":[1,"é"]}'));
    expect(createEvent({ source: '/s', type: 't', data: [1], datacontenttype: 'application/cloudevents+json' }).datacontenttype).toBe(
      'application/cloudevents+json',
    );
  });

  it('keeps bytes as they are and strings as UTF-8, without inventing a content type', () => {
    const bytes = Buffer.from([0, 255, 1]);
    const event = createEvent({ source: '/s', type: 't', data: bytes });
    expect(event.data).toBe(bytes);
    expect(event.datacontenttype).toBeUndefined();
    expect(createEvent({ source: '/s', type: 't', data: 'hé', datacontenttype: 'text/plain' }).data).toEqual(Buffer.from('hé'));
    const view = new Uint8Array([9, 8, 7]);
    expect(createEvent({ source: '/s', type: 't', data: view }).data).toEqual(Buffer.from([9, 8, 7]));
  });

  it('refuses object data under a non-JSON content type, and data with no JSON form', () => {
    expect(() => createEvent({ source: '/s', type: 't', data: { a: 1 }, datacontenttype: 'text/plain' })).toThrow(
      "'data' is an object, so it is sent as JSON, but datacontenttype 'text/plain' is not JSON",
    );
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => createEvent({ source: '/s', type: 't', data: cycle })).toThrow(CloudEventValidationError);
    expect(() => createEvent({ source: '/s', type: 't', data: '\udc00' })).toThrow('unpaired surrogate');
  });

  it('writes extension values in canonical string form', () => {
    const event = createEvent({ source: '/s', type: 't', extensions: { a: 'x', n: -42, b: true, f: false } });
    expect(event.extensions).toEqual({ a: 'x', n: '-42', b: 'true', f: 'false' });
  });

  it('refuses numbers the Integer type cannot hold', () => {
    for (const n of [1.5, 2147483648, -2147483649, Number.NaN, Infinity]) {
      expect(() => createEvent({ source: '/s', type: 't', extensions: { n } })).toThrow(/extension 'n' must be an integer/);
    }
    expect(createEvent({ source: '/s', type: 't', extensions: { n: 2147483647 } }).extensions.n).toBe('2147483647');
  });

  it('validates what it builds', () => {
    expect(() => createEvent({ source: '', type: 't' })).toThrow("attribute 'source' must not be empty");
    expect(() => createEvent({ source: '/s', type: 't', time: 'now' })).toThrow(/RFC 3339/);
    expect(() => createEvent({ specversion: '1.0', source: '/s', type: 't', schemaurl: 'x' })).toThrow(/schemaurl/);
    expect(createEvent({ specversion: '0.3', source: '/s', type: 't', schemaurl: 'x' }).schemaurl).toBe('x');
  });
});

describe('withExtensions', () => {
  const original = createEvent({ source: '/s', type: 't', data: Buffer.from('x'), extensions: { keep: 'k', drop: 'd' } });

  it('copies, sets and removes, sharing the data Buffer', () => {
    const changed = withExtensions(original, { drop: undefined, added: 'a', keep: 'k2' });
    expect(changed).not.toBe(original);
    expect(changed.extensions).toEqual({ keep: 'k2', added: 'a' });
    expect(original.extensions).toEqual({ keep: 'k', drop: 'd' });
    expect(changed.data).toBe(original.data);
  });

  it('refuses names that are not extension names', () => {
    expect(() => withExtensions(original, { Bad: 'x' })).toThrow("invalid extension name 'Bad'");
    expect(() => withExtensions(original, { source: 'x' })).toThrow(CloudEventValidationError);
    expect(() => withExtensions(original, { note: 'line\nbreak' })).toThrow(
      "extension 'note' contains the disallowed character U+000A at index 4",
    );
  });
});

describe('eventDataJson', () => {
  it('parses data on request', () => {
    const event = createEvent({ source: '/s', type: 't', data: { a: 1 } });
    expect(eventDataJson<{ a: number }>(event).a).toBe(1);
  });

  it('says why data is not JSON, naming data', () => {
    const event = createEvent({ source: '/s', type: 't', data: 'not json' });
    expect(() => eventDataJson(event)).toThrow(/^data is not valid JSON: /);
    try {
      eventDataJson(event);
    } catch (err) {
      expect(err).toBeInstanceOf(CloudEventValidationError);
      expect((err as CloudEventValidationError).attribute).toBe('data');
    }
    expect(() => eventDataJson(createEvent({ source: '/s', type: 't' }))).toThrow('data is not valid JSON: the event has no data');
  });
});

describe('isJsonContentType', () => {
  it.each([
    undefined,
    'application/json',
    'application/json; charset=utf-8',
    'APPLICATION/JSON',
    'text/json',
    'application/cloudevents+json',
    'application/vnd.api+json;v=2',
    ' application/json ',
  ])('%p is JSON', (ct) => expect(isJsonContentType(ct)).toBe(true));

  it.each(['text/plain', 'application/octet-stream', 'application/json-seq', 'application/jsonx', 'json', '', 'application/xml+json2'])(
    '%p is not JSON',
    (ct) => expect(isJsonContentType(ct)).toBe(false),
  );
});

describe('getAttribute', () => {
  const v1 = createEvent({ source: '/s', type: 't', subject: 'sub', extensions: { schemaurl: 'ext', trace: 'x' } });
  const v03 = createEvent({ specversion: '0.3', source: '/s', type: 't', schemaurl: 'attr' });

  it('reads context attributes and extensions alike, as strings', () => {
    expect(getAttribute(v1, 'subject')).toBe('sub');
    expect(getAttribute(v1, 'specversion')).toBe('1.0');
    expect(getAttribute(v1, 'trace')).toBe('x');
    expect(getAttribute(v1, 'schemaurl')).toBe('ext');
    expect(getAttribute(v03, 'schemaurl')).toBe('attr');
  });

  it('finds nothing that is not there, inherited properties included', () => {
    expect(getAttribute(v1, 'time')).toBeUndefined();
    expect(getAttribute(v1, 'data')).toBeUndefined();
    expect(getAttribute(v1, 'constructor')).toBeUndefined();
    expect(getAttribute(v1, 'toString')).toBeUndefined();
  });
});

it('lists both supported versions', () => {
  expect([...SPEC_VERSIONS].sort()).toEqual(['0.3', '1.0']);
});
