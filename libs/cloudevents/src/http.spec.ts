import {
  CloudEventValidationError,
  createEvent,
  httpMode,
  parseHttp,
  toHttpBatch,
  toHttpBinary,
  toHttpStructured,
  type CloudEvent,
  type HttpHeaders,
} from './index';

const CE_JSON = 'application/cloudevents+json; charset=utf-8';

function structured(envelope: unknown, contentType = CE_JSON): CloudEvent {
  const [event] = parseHttp({ headers: { 'content-type': contentType }, body: Buffer.from(JSON.stringify(envelope)) });
  return event;
}

function binary(headers: HttpHeaders, body: Buffer = Buffer.alloc(0)): CloudEvent {
  const [event] = parseHttp({ headers, body });
  return event;
}

function rejection(run: () => unknown): CloudEventValidationError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(CloudEventValidationError);
    return err as CloudEventValidationError;
  }
  throw new Error('expected a CloudEventValidationError');
}

const required = { 'ce-specversion': '1.0', 'ce-id': 'id-1', 'ce-source': '/src', 'ce-type': 'com.example.t' };
const envelope = { specversion: '1.0', id: 'id-1', source: '/src', type: 'com.example.t' };

describe('httpMode', () => {
  it.each<[HttpHeaders, string | undefined]>([
    [{ 'content-type': 'application/cloudevents-batch+json' }, 'batch'],
    [{ 'content-type': 'application/cloudevents+json' }, 'structured'],
    [{ 'content-type': 'Application/CloudEvents+JSON; charset=UTF-8' }, 'structured'],
    [{ 'content-type': 'application/cloudevents+json', 'ce-specversion': '1.0' }, 'structured'],
    [{ 'content-type': 'application/json', 'ce-specversion': '1.0' }, 'binary'],
    [{ 'CE-SpecVersion': '1.0' }, 'binary'],
    [{ 'content-type': 'application/cloudevents+avro', 'ce-specversion': '1.0' }, 'binary'],
    [{ 'content-type': 'application/json' }, undefined],
    [{ 'ce-id': 'x' }, undefined],
    [{}, undefined],
  ])('%p is %p', (headers, mode) => {
    expect(httpMode(headers)).toBe(mode);
  });
});

describe('parseHttp, binary mode', () => {
  it('maps ce- headers to attributes, content-type to datacontenttype and the body to data', () => {
    const body = Buffer.from([1, 2, 3]);
    const event = binary(
      { ...required, 'content-type': 'application/octet-stream', 'ce-time': '2024-05-01T10:00:00Z', 'ce-subject': 's', 'ce-traceparent': 'tp', host: 'x' },
      body,
    );
    expect(event).toStrictEqual({
      specversion: '1.0',
      id: 'id-1',
      source: '/src',
      type: 'com.example.t',
      datacontenttype: 'application/octet-stream',
      time: '2024-05-01T10:00:00Z',
      subject: 's',
      extensions: { traceparent: 'tp' },
      data: body,
    });
    expect(event.data).toBe(body);
  });

  it('has no data for an empty body, and no datacontenttype without content-type', () => {
    const event = binary(required);
    expect(event.data).toBeUndefined();
    expect(event.datacontenttype).toBeUndefined();
    expect(binary(required, undefined as unknown as Buffer).data).toBeUndefined();
  });

  it('matches header names case-insensitively', () => {
    const event = binary({ 'CE-SPECVERSION': '1.0', 'Ce-Id': 'i', 'ce-Source': '/s', 'cE-tYpE': 't', 'Ce-MyExt': 'v', 'Content-Type': 'text/plain' });
    expect(event.extensions).toEqual({ myext: 'v' });
    expect(event.datacontenttype).toBe('text/plain');
  });

  it('percent-decodes header values', () => {
    const event = binary({ ...required, 'ce-subject': 'Euro%20%E2%82%AC%20%F0%9F%98%80', 'ce-note': '"quoted value"' });
    expect(event.subject).toBe('Euro € 😀');
    expect(event.extensions.note).toBe('quoted value');
  });

  it('prefers content-type to a ce-datacontenttype header', () => {
    expect(binary({ ...required, 'content-type': 'text/plain', 'ce-datacontenttype': 'application/xml' }).datacontenttype).toBe(
      'text/plain',
    );
    expect(binary({ ...required, 'ce-datacontenttype': 'application/xml' }).datacontenttype).toBe('application/xml');
  });

  it('keeps 0.3 events 0.3, and the other version’s attribute names as extensions', () => {
    const v03 = binary({ ...required, 'ce-specversion': '0.3', 'ce-schemaurl': 'http://s', 'ce-dataschema': 'http://d' });
    expect(v03.specversion).toBe('0.3');
    expect(v03.schemaurl).toBe('http://s');
    expect(v03.extensions).toEqual({ dataschema: 'http://d' });
    const v1 = binary({ ...required, 'ce-schemaurl': 'http://s', 'ce-dataschema': 'http://d' });
    expect(v1.dataschema).toBe('http://d');
    expect(v1.extensions).toEqual({ schemaurl: 'http://s' });
  });

  it('joins a repeated header as HTTP does', () => {
    expect(binary({ ...required, 'ce-list': ['a', 'b'] }).extensions.list).toBe('a, b');
  });

  it.each<[HttpHeaders, string | undefined, string]>([
    [{ ...required, 'ce-id': undefined }, 'id', "missing required attribute 'id'"],
    [{ ...required, 'ce-source': '' }, 'source', "attribute 'source' must not be empty"],
    [{ ...required, 'ce-specversion': '2.0' }, 'specversion', "unsupported specversion '2.0'"],
    [{ ...required, 'ce-foo_bar': 'x' }, 'foo_bar', "invalid extension name 'foo_bar' (header 'ce-foo_bar')"],
    [{ ...required, 'ce-': 'x' }, '', "invalid extension name '' (header 'ce-')"],
    [{ ...required, 'ce-data': 'x' }, 'data', "invalid extension name 'data' (header 'ce-data')"],
    [{ ...required, 'ce-subject': '%C0%A0' }, 'subject', "header 'ce-subject' of attribute 'subject' is not valid UTF-8 after percent-decoding"],
    [{ ...required, 'ce-subject': 'a%0Ab' }, 'subject', "attribute 'subject' contains the disallowed character U+000A at index 1"],
    [{ ...required, 'ce-time': 'today' }, 'time', "attribute 'time' is not an RFC 3339 timestamp: 'today'"],
    [{ ...required, 'Ce-Id': 'other' }, 'id', "attribute 'id' is given by more than one header"],
    [{ ...required, 'content-type': 'not a type' }, 'datacontenttype', "attribute 'datacontenttype' is not a media type: 'not a type'"],
    [{ ...required, 'ce-x': {} as unknown as string }, 'x', "header 'ce-x' must be a string, got object"],
  ])('refuses %p: %s', (headers, attribute, message) => {
    const err = rejection(() => parseHttp({ headers, body: Buffer.from('x') }));
    expect(err.attribute).toBe(attribute);
    expect(err.message).toBe(message);
  });
});

describe('parseHttp, structured mode', () => {
  it('reads the envelope and re-serializes JSON data', () => {
    const event = structured({ ...envelope, datacontenttype: 'application/json', traceparent: 'tp', data: { b: [1, 2], a: 'é' } });
    expect(event).toStrictEqual({
      ...envelope,
      datacontenttype: 'application/json',
      extensions: { traceparent: 'tp' },
      data: Buffer.from('{"b":[1,2],"a":"é"}'),
    });
  });

  it('treats data as JSON when there is no datacontenttype, a JSON string included', () => {
    expect(structured({ ...envelope, data: 'just a string' }).data).toEqual(Buffer.from('"just a string"'));
    expect(structured({ ...envelope, data: null }).data).toEqual(Buffer.from('null'));
    expect(structured({ ...envelope }).data).toBeUndefined();
  });

  it('takes string data of a non-JSON type as its UTF-8 text', () => {
    const event = structured({ ...envelope, datacontenttype: 'text/xml', data: '<much wow="xml"/>' });
    expect(event.data).toEqual(Buffer.from('<much wow="xml"/>'));
  });

  it('decodes data_base64 (1.0) and base64 data with datacontentencoding (0.3)', () => {
    const bytes = Buffer.from([0, 1, 254, 255]);
    expect(structured({ ...envelope, datacontenttype: 'application/octet-stream', data_base64: bytes.toString('base64') }).data).toEqual(bytes);
    const v03 = structured({ ...envelope, specversion: '0.3', datacontentencoding: 'Base64', data: bytes.toString('base64') });
    expect(v03.data).toEqual(bytes);
    expect(v03.datacontentencoding).toBeUndefined();
    expect(v03.specversion).toBe('0.3');
  });

  it('turns extension numbers and booleans into canonical strings', () => {
    expect(structured({ ...envelope, comexampleothervalue: 5, flag: false, neg: -7 }).extensions).toEqual({
      comexampleothervalue: '5',
      flag: 'false',
      neg: '-7',
    });
  });

  it('treats null attributes as unset (JSON format 2.2)', () => {
    const event = structured({ ...envelope, subject: null, time: null, unsetextension: null, data_base64: null });
    expect(event).toStrictEqual({ ...envelope, extensions: {} });
  });

  it('ignores ce- headers beside a structured body', () => {
    const [event] = parseHttp({
      headers: { 'content-type': CE_JSON, 'ce-id': 'header-id', 'ce-bad_name': 'x' },
      body: Buffer.from(JSON.stringify(envelope)),
    });
    expect(event.id).toBe('id-1');
  });

  it('accepts a byte order mark', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(envelope))]);
    expect(parseHttp({ headers: { 'content-type': CE_JSON }, body })[0].id).toBe('id-1');
  });

  it('takes JSON data nested up to 512 levels, the same wherever it is called from', () => {
    const nested = (depth: number) =>
      Buffer.from(`{"specversion":"1.0","id":"i","source":"/s","type":"t","data":${'['.repeat(depth) + ']'.repeat(depth)}}`);
    expect(parseHttp({ headers: { 'content-type': CE_JSON }, body: nested(512) })[0].data?.length).toBe(1024);
    for (const depth of [513, 100000]) {
      const err = rejection(() => parseHttp({ headers: { 'content-type': CE_JSON }, body: nested(depth) }));
      expect(err.attribute).toBe('data');
      expect(err.message).toBe("'data' nests deeper than 512 levels");
    }
  });

  it.each<[string, string | undefined, string | RegExp]>([
    ['{"specversion":"1.0",', undefined, /^structured body is not valid JSON: /],
    ['[]', undefined, 'a structured event must be a JSON object, got array'],
    ['"text"', undefined, 'a structured event must be a JSON object, got string'],
    [JSON.stringify({ ...envelope, id: undefined }), 'id', "missing required attribute 'id'"],
    [JSON.stringify({ ...envelope, specversion: '2.0' }), 'specversion', "unsupported specversion '2.0'"],
    [JSON.stringify({ ...envelope, specversion: 1 }), 'specversion', "attribute 'specversion' must be a string, got number"],
    [JSON.stringify({ ...envelope, type: ['t'] }), 'type', "attribute 'type' must be a string, got array"],
    [JSON.stringify({ ...envelope, time: 1714557600 }), 'time', "attribute 'time' must be a string, got number"],
    [JSON.stringify({ ...envelope, Foo_bar: 'x' }), 'Foo_bar', "invalid extension name 'Foo_bar'"],
    [JSON.stringify({ ...envelope, __proto__x: 'x' }), '__proto__x', "invalid extension name '__proto__x'"],
    [JSON.stringify({ ...envelope, ext: { a: 1 } }), 'ext', "extension 'ext' must be a string, an integer or a boolean, got object"],
    [JSON.stringify({ ...envelope, ext: [1] }), 'ext', "extension 'ext' must be a string, an integer or a boolean, got array"],
    [JSON.stringify({ ...envelope, ext: 1.5 }), 'ext', "extension 'ext' must be an integer from -2147483648 to 2147483647, got '1.5'"],
    [JSON.stringify({ ...envelope, data: 1, data_base64: 'AA==' }), 'data', "an event cannot have both 'data' and 'data_base64'"],
    [JSON.stringify({ ...envelope, data_base64: 'not base64!' }), 'data_base64', "'data_base64' must be a base64 string, got 'not base64!'"],
    [JSON.stringify({ ...envelope, data_base64: 12 }), 'data_base64', "'data_base64' must be a base64 string, got number"],
    [
      JSON.stringify({ ...envelope, datacontenttype: 'text/plain', data: { a: 1 } }),
      'data',
      "'data' must be a JSON string because datacontenttype 'text/plain' is not JSON, got object",
    ],
    [
      JSON.stringify({ ...envelope, specversion: '0.3', datacontentencoding: 'base64', data: '***' }),
      'data',
      "'data' must be a base64 string because datacontentencoding is 'base64', got '***'",
    ],
    [
      JSON.stringify({ ...envelope, specversion: '0.3', datacontentencoding: 'base64', data: 'AA==', data_base64: 'AA==' }),
      'data',
      "an event cannot have both 'data' and 'data_base64'",
    ],
  ])('refuses %s', (body, attribute, message) => {
    const err = rejection(() => parseHttp({ headers: { 'content-type': CE_JSON }, body: Buffer.from(body) }));
    expect(err.attribute).toBe(attribute);
    if (typeof message === 'string') expect(err.message).toBe(message);
    else expect(err.message).toMatch(message);
  });

  it('refuses a body that is not UTF-8', () => {
    const err = rejection(() => parseHttp({ headers: { 'content-type': CE_JSON }, body: Buffer.from([0x7b, 0xff, 0x7d]) }));
    expect(err.message).toBe('structured body is not valid UTF-8');
  });

  it('explains what is missing from a message that is no CloudEvent', () => {
    expect(rejection(() => parseHttp({ headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') })).message).toBe(
      'not a CloudEvent: no ce-specversion header and content-type is not application/cloudevents+json',
    );
    expect(rejection(() => parseHttp({ headers: { 'content-type': 'application/cloudevents+xml' }, body: Buffer.from('<x/>') })).message).toBe(
      "unsupported event format 'application/cloudevents+xml': only JSON is read",
    );
    expect(rejection(() => parseHttp({ headers: null as unknown as HttpHeaders, body: Buffer.alloc(0) })).message).toBe(
      'HTTP message headers must be an object, got null',
    );
    expect(rejection(() => parseHttp({ headers: {}, body: 'text' as unknown as Buffer })).message).toBe(
      'an HTTP message body must be a Buffer, got string',
    );
  });
});

describe('parseHttp, batch mode', () => {
  const batch = (body: string) => parseHttp({ headers: { 'content-type': 'application/cloudevents-batch+json' }, body: Buffer.from(body) });

  it('reads every event, and an empty batch as none', () => {
    const events = batch(JSON.stringify([envelope, { ...envelope, id: 'id-2', data: { x: 1 } }]));
    expect(events.map((e) => e.id)).toEqual(['id-1', 'id-2']);
    expect(events[1].data).toEqual(Buffer.from('{"x":1}'));
    expect(batch('[]')).toEqual([]);
  });

  it('names the element that is wrong', () => {
    const err = rejection(() => batch(JSON.stringify([envelope, envelope, { ...envelope, source: undefined }])));
    expect(err.message).toBe("batch element 2: missing required attribute 'source'");
    expect(err.attribute).toBe('source');
    expect(rejection(() => batch(JSON.stringify([envelope, 7]))).message).toBe('batch element 1: a structured event must be a JSON object, got number');
  });

  it('holds one specversion', () => {
    const err = rejection(() => batch(JSON.stringify([envelope, { ...envelope, specversion: '0.3' }])));
    expect(err.message).toBe("batch element 1: specversion '0.3' differs from the batch's '1.0'");
  });

  it('must be an array', () => {
    expect(rejection(() => batch(JSON.stringify(envelope))).message).toBe('a batch body must be a JSON array, got object');
    expect(rejection(() => batch('[')).message).toMatch(/^batch body is not valid JSON: /);
  });

  it('round-trips through toHttpBatch', () => {
    const events = [createEvent({ source: '/a', type: 't', data: { n: 1 } }), createEvent({ source: '/b', type: 't', data: Buffer.from([0xff]) })];
    const message = toHttpBatch(events);
    expect(message.headers['content-type']).toBe('application/cloudevents-batch+json; charset=utf-8');
    expect(parseHttp(message)).toEqual(events);
    expect(() => toHttpBatch([events[0], { ...events[1], specversion: '0.3' }])).toThrow(CloudEventValidationError);
  });
});

describe('toHttpBinary', () => {
  it('writes ce- headers, percent-encoded where needed, and content-type from datacontenttype', () => {
    const event = createEvent({
      id: 'id 1',
      source: '/src',
      type: 't',
      subject: 'Euro € 😀',
      time: '2024-05-01T10:00:00Z',
      dataschema: 'https://example.com/schema',
      datacontenttype: 'application/json; charset=utf-8',
      extensions: { traceparent: '00-abc-01', note: '100% "sure"' },
      data: { a: 1 },
    });
    const message = toHttpBinary(event);
    expect(message.headers).toEqual({
      'ce-specversion': '1.0',
      'ce-id': 'id%201',
      'ce-source': '/src',
      'ce-type': 't',
      'content-type': 'application/json; charset=utf-8',
      'ce-dataschema': 'https://example.com/schema',
      'ce-subject': 'Euro%20%E2%82%AC%20%F0%9F%98%80',
      'ce-time': '2024-05-01T10:00:00Z',
      'ce-traceparent': '00-abc-01',
      'ce-note': '100%25%20%22sure%22',
    });
    expect(message.body).toBe(event.data);
  });

  it('sends no body and no content-type when there is no data', () => {
    const message = toHttpBinary(createEvent({ source: '/s', type: 't' }));
    expect(message.body).toBeUndefined();
    expect(message.headers['content-type']).toBeUndefined();
  });
});

describe('toHttpStructured', () => {
  const base = { id: 'i', source: '/s', type: 't' };
  const bodyOf = (event: CloudEvent) => JSON.parse(toHttpStructured(event).body.toString());

  it('sets the JSON format content type', () => {
    expect(toHttpStructured(createEvent(base)).headers).toEqual({ 'content-type': 'application/cloudevents+json; charset=utf-8' });
  });

  it('puts JSON data in as the JSON value, byte for byte', () => {
    const event = createEvent({ ...base, datacontenttype: 'application/json', data: Buffer.from('{ "a" : 1.50 }') });
    expect(toHttpStructured(event).body.toString()).toBe(
      '{"specversion":"1.0","id":"i","source":"/s","type":"t","datacontenttype":"application/json","data":{ "a" : 1.50 }}',
    );
    expect(bodyOf(createEvent({ ...base, data: Buffer.from('"str"') })).data).toBe('str');
  });

  it('puts text in as a string, anything else as data_base64', () => {
    expect(bodyOf(createEvent({ ...base, datacontenttype: 'text/plain', data: 'héllo' })).data).toBe('héllo');
    const bytes = Buffer.from([0xff, 0x00]);
    expect(bodyOf(createEvent({ ...base, datacontenttype: 'image/png', data: bytes }))).toMatchObject({ data_base64: '/wA=' });
    expect(bodyOf(createEvent({ ...base, datacontenttype: 'text/plain', data: bytes }))).toMatchObject({ data_base64: '/wA=' });
    // JSON in name only: the payload is kept intact rather than refused or mangled.
    const notJson = bodyOf(createEvent({ ...base, datacontenttype: 'application/json', data: Buffer.from('{oops') }));
    expect(notJson.data).toBeUndefined();
    expect(Buffer.from(notJson.data_base64, 'base64').toString()).toBe('{oops');
  });

  it('sends JSON data too deep for a reader as data_base64, intact', () => {
    const deep = Buffer.from('['.repeat(600) + ']'.repeat(600));
    const event = createEvent({ ...base, datacontenttype: 'application/json', data: deep });
    expect(bodyOf(event).data_base64).toBe(deep.toString('base64'));
    expect(parseHttp(toHttpStructured(event))[0].data).toEqual(deep);
  });

  it('writes 0.3 binary data as base64 data with datacontentencoding', () => {
    const body = bodyOf(createEvent({ ...base, specversion: '0.3', datacontenttype: 'image/png', data: Buffer.from([1, 2]) }));
    expect(body).toMatchObject({ specversion: '0.3', datacontentencoding: 'base64', data: 'AQI=' });
    expect(body.data_base64).toBeUndefined();
  });
});

describe('round trips', () => {
  const events: Array<[string, CloudEvent]> = [
    ['1.0 with JSON data', createEvent({ source: '/s', type: 't', subject: 'sub ü', time: '2024-05-01T10:00:00.5+02:00', data: { a: [1, null] }, extensions: { trace: 'x y' } })],
    ['1.0 with binary data', createEvent({ source: 'urn:x', type: 't', datacontenttype: 'application/octet-stream', dataschema: 'https://s', data: Buffer.from([0, 255, 10]) })],
    ['1.0 with text data', createEvent({ source: '/s', type: 't', datacontenttype: 'text/plain; charset=utf-8', data: 'line 1\nline 2 €' })],
    ['1.0 without data', createEvent({ source: '/s', type: 't', extensions: { n: 1 } })],
    ['0.3 with JSON data', createEvent({ specversion: '0.3', source: '/s', type: 't', schemaurl: 'http://schema', data: { ok: true } })],
    ['0.3 with binary data', createEvent({ specversion: '0.3', source: '/s', type: 't', datacontenttype: 'application/octet-stream', data: Buffer.from([200, 1]) })],
    ['0.3 without data', createEvent({ specversion: '0.3', id: 'x', source: '/s', type: 't', subject: '"quoted"' })],
  ];

  it.each(events)('%s: binary -> event -> structured -> event', (_, event) => {
    const fromBinary = parseHttp(toHttpBinary(event) as { headers: HttpHeaders; body: Buffer });
    expect(fromBinary).toEqual([event]);
    const fromStructured = parseHttp(toHttpStructured(fromBinary[0]));
    expect(fromStructured).toEqual([event]);
    expect(fromStructured[0].specversion).toBe(event.specversion);
  });

  it('keeps a 0.3 binary-mode datacontentencoding as it came', () => {
    const event = binary({ ...required, 'ce-specversion': '0.3', 'ce-datacontentencoding': 'base64', 'content-type': 'image/png' }, Buffer.from('AQI='));
    expect(event.datacontentencoding).toBe('base64');
    expect(toHttpBinary(event).headers['ce-datacontentencoding']).toBe('base64');
    // Structured, the body is already base64, so it goes in as it is and decodes to the payload.
    expect(structured(JSON.parse(toHttpStructured(event).body.toString())).data).toEqual(Buffer.from([1, 2]));
  });
});
