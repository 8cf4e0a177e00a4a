import fc from 'fast-check';
import { decodeHttpHeaderValue, encodeHttpHeaderValue } from './http-header-value';
import {
  CloudEventValidationError,
  isJsonContentType,
  isValidExtensionName,
  kafkaHeaderAttributes,
  parseHttp,
  parseKafka,
  toHttpBatch,
  toHttpBinary,
  toHttpStructured,
  toKafkaBinary,
  toKafkaStructured,
  validateEvent,
  type CloudEvent,
  type CloudEventAttributes,
  type HttpHeaders,
  type KafkaRecordIn,
  type SpecVersion,
} from './index';
import { disallowedCharIndex } from './string-value';

const RUNS = { numRuns: 500 };

// ---- valid events -------------------------------------------------------------------------

const cleanString = (minLength: number) =>
  fc
    .oneof(fc.string({ minLength, maxLength: 16 }), fc.string({ unit: 'grapheme', minLength, maxLength: 8 }), fc.string({ unit: 'binary', minLength, maxLength: 8 }))
    .filter((s) => disallowedCharIndex(s) < 0);

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const timeArb = fc
  .record({
    date: fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
    t: fc.constantFrom('T', 't'),
    fraction: fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }),
    offset: fc.oneof(
      fc.constantFrom('Z', 'z'),
      fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([s, h, m]) => `${s}${pad(h)}:${pad(m)}`),
    ),
  })
  .map(({ date, t, fraction, offset }) => {
    const iso = date.toISOString();
    return `${iso.slice(0, 10)}${t}${iso.slice(11, 19)}${fraction === undefined ? '' : `.${fraction}`}${offset}`;
  });

const contentTypeArb = fc.option(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/json',
    'application/vnd.example+json;v=2',
    'text/plain',
    'text/plain; charset="utf-8"',
    'text/csv',
    'application/octet-stream',
    'application/xml',
    'image/png',
  ),
  { nil: undefined },
);

const dataArb = fc.option(
  fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from(b)),
    fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v))),
    cleanString(1).map((s) => Buffer.from(s)),
  ),
  { nil: undefined },
);

const extensionsArb = (version: SpecVersion) =>
  fc.dictionary(
    fc.stringMatching(/^[a-z0-9]{1,24}$/).filter((name) => isValidExtensionName(name, version)),
    cleanString(0),
    { maxKeys: 4, noNullPrototype: true },
  );

// Built once per version: arbitraries are costly to construct, so no chain() per value.
const eventArbOf = (specversion: SpecVersion): fc.Arbitrary<CloudEvent> =>
  fc
    .record({
      id: cleanString(1),
      source: cleanString(1),
      type: cleanString(1),
      datacontenttype: contentTypeArb,
      subject: fc.option(cleanString(1), { nil: undefined }),
      time: fc.option(timeArb, { nil: undefined }),
      schema: fc.option(specversion === '1.0' ? fc.webUrl() : cleanString(1), { nil: undefined }),
      extensions: extensionsArb(specversion),
      data: dataArb,
    })
    .map(({ schema, ...fields }) => {
      const event: CloudEvent = { specversion, id: fields.id, source: fields.source, type: fields.type, extensions: fields.extensions };
      if (fields.datacontenttype !== undefined) event.datacontenttype = fields.datacontenttype;
      if (fields.subject !== undefined) event.subject = fields.subject;
      if (fields.time !== undefined) event.time = fields.time;
      if (schema !== undefined) event[specversion === '1.0' ? 'dataschema' : 'schemaurl'] = schema;
      if (fields.data !== undefined) event.data = fields.data;
      return validateEvent(event);
    });

const eventArb: fc.Arbitrary<CloudEvent> = fc.oneof(eventArbOf('1.0'), eventArbOf('0.3'));

/** Structured mode re-serializes JSON data, so its bytes are compared as JSON there. */
function withCanonicalJsonData(event: CloudEvent): CloudEvent {
  if (event.data === undefined || !isJsonContentType(event.datacontenttype)) return event;
  try {
    return { ...event, data: Buffer.from(JSON.stringify(JSON.parse(event.data.toString('utf8')))) };
  } catch {
    return event;
  }
}

describe('valid events round-trip through every codec', () => {
  it('HTTP binary', () => {
    fc.assert(
      fc.property(eventArb, (event) => {
        const { headers, body } = toHttpBinary(event);
        expect(parseHttp({ headers, body: body ?? Buffer.alloc(0) })).toEqual([event]);
      }),
      RUNS,
    );
  });

  it('HTTP structured, specversion unconverted', () => {
    fc.assert(
      fc.property(eventArb, (event) => {
        const [parsed] = parseHttp(toHttpStructured(event));
        expect(parsed.specversion).toBe(event.specversion);
        expect(withCanonicalJsonData(parsed)).toEqual(withCanonicalJsonData(event));
      }),
      RUNS,
    );
  });

  it('HTTP batch', () => {
    fc.assert(
      fc.property(fc.constantFrom<SpecVersion>('1.0', '0.3'), fc.array(eventArb, { maxLength: 4 }), (specversion, events) => {
        const batch = events.filter((e) => e.specversion === specversion);
        expect(parseHttp(toHttpBatch(batch)).map(withCanonicalJsonData)).toEqual(batch.map(withCanonicalJsonData));
      }),
      { numRuns: 200 },
    );
  });

  it('Kafka binary, with headers as Buffers', () => {
    fc.assert(
      fc.property(eventArb, (event) => {
        const record = toKafkaBinary(event);
        const headers = Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(v)]));
        expect(parseKafka({ ...record, headers })).toEqual(event);
      }),
      RUNS,
    );
  });

  it('Kafka structured', () => {
    fc.assert(
      fc.property(eventArb, (event) => {
        expect(withCanonicalJsonData(parseKafka(toKafkaStructured(event)))).toEqual(withCanonicalJsonData(event));
      }),
      RUNS,
    );
  });

  it('HTTP header values: percent-encoding inverts', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => Buffer.from(s).toString() === s), (value) => {
        const encoded = encodeHttpHeaderValue(value);
        expect(encoded).toMatch(/^[\x21-\x7e]*$/);
        expect(decodeHttpHeaderValue(encoded, 'x', 'ce-x')).toBe(value);
      }),
      RUNS,
    );
  });
});

// ---- hostile input ------------------------------------------------------------------------

/** Parses, and when that works checks the events are valid and can be sent on and read again. */
function acceptedOrRejected(parse: () => CloudEvent[]): 'accepted' | 'rejected' {
  let events: CloudEvent[];
  try {
    events = parse();
  } catch (err) {
    if (err instanceof CloudEventValidationError) return 'rejected';
    throw err;
  }
  for (const event of events) {
    validateEvent(event);
    const binary = toHttpBinary(event);
    parseHttp({ headers: binary.headers, body: binary.body ?? Buffer.alloc(0) });
    parseHttp(toHttpStructured(event));
    parseKafka(toKafkaBinary(event));
    parseKafka(toKafkaStructured(event));
  }
  return 'accepted';
}

const ATTRIBUTE_NAMES = ['specversion', 'id', 'source', 'type', 'time', 'subject', 'datacontenttype', 'dataschema', 'schemaurl', 'datacontentencoding', 'partitionkey', 'data', '__proto__', 'constructor', 'Foo_bar', ''];

const headerValueArb = fc.oneof(
  fc.constantFrom(
    '1.0', '0.3', '2.0', '', ' ', '"', '%', '%zz', '%C0%A0', '%ED%A0%80', 'a b', '"quoted"', '"open', '\\',
    'application/cloudevents+json', 'application/cloudevents-batch+json', 'application/cloudevents+avro',
    'application/json', 'text/plain', 'base64', '2024-01-01T00:00:00Z', 'https://example.com/s',
  ),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.uint8Array({ maxLength: 8 }).map((b) => [...b].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('')),
);

const httpHeaderKeyArb = fc.oneof(
  fc.constantFrom('content-type', 'Content-Type', 'CE-ID', 'ce-', 'Ce-SpecVersion'),
  fc.constantFrom(...ATTRIBUTE_NAMES).map((name) => `ce-${name}`),
  fc.string({ unit: 'binary', maxLength: 10 }).map((s) => `ce-${s}`),
  fc.string({ maxLength: 10 }),
);

const httpHeadersArb: fc.Arbitrary<HttpHeaders> = fc.dictionary(
  httpHeaderKeyArb,
  fc.oneof(headerValueArb, fc.array(headerValueArb, { maxLength: 3 }), fc.constant(undefined)),
  { maxKeys: 10 },
);

const memberValueArb = fc.oneof(
  fc.constantFrom('1.0', '0.3', 'base64', 'AA==', '', 'text/plain', 'application/json', 'image/png', '2024-01-01T00:00:00Z', null, 2147483648, 1.5, -0, true),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.jsonValue({ maxDepth: 3 }),
);

const envelopeArb = fc
  .dictionary(fc.oneof(fc.constantFrom(...ATTRIBUTE_NAMES, 'data_base64'), fc.string({ maxLength: 8 })), memberValueArb, { maxKeys: 8 })
  .chain((members) =>
    fc.constantFrom<Record<string, unknown>>(
      members,
      { specversion: '1.0', id: 'i', source: '/s', type: 't', ...members },
      { ...members, specversion: '0.3', id: 'i', source: '/s', type: 't' },
    ),
  );

const deeplyNested = fc
  .tuple(fc.integer({ min: 1, max: 3000 }), fc.constantFrom('[', '{"a":'))
  .map(([depth, open]) => `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`);

const bodyArb: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  fc.jsonValue({ maxDepth: 5 }).map((v) => Buffer.from(JSON.stringify(v))),
  envelopeArb.map((e) => Buffer.from(JSON.stringify(e))),
  fc.array(envelopeArb, { maxLength: 3 }).map((es) => Buffer.from(JSON.stringify(es))),
  deeplyNested.map((json) => Buffer.from(`{"specversion":"1.0","id":"i","source":"/s","type":"t","data":${json}}`)),
  deeplyNested.map((json) => Buffer.from(json)),
);

/** A valid message with some damage done to it: most hostile input is nearly right. */
const damagedHttpArb = fc
  .tuple(
    eventArb,
    fc.constantFrom('binary', 'structured', 'batch'),
    fc.array(
      fc.oneof(
        fc.tuple(fc.constant('header' as const), httpHeaderKeyArb, fc.option(headerValueArb, { nil: undefined })),
        fc.tuple(fc.constant('body' as const), bodyArb),
        fc.tuple(fc.constant('byte' as const), fc.nat(), fc.integer({ min: 0, max: 255 })),
      ),
      { maxLength: 3 },
    ),
  )
  .map(([event, mode, damage]) => {
    const message = mode === 'binary' ? toHttpBinary(event) : mode === 'structured' ? toHttpStructured(event) : toHttpBatch([event]);
    const headers: HttpHeaders = { ...message.headers };
    let body: Buffer = Buffer.from(message.body ?? Buffer.alloc(0));
    for (const change of damage) {
      if (change[0] === 'header') headers[change[1]] = change[2];
      else if (change[0] === 'body') body = change[1];
      else if (body.length > 0) body[change[1] % body.length] = change[2];
    }
    return { headers, body };
  });

/** Kafka records from anywhere: made up, or a valid event's with headers added or replaced and another value. */
function hostileKafkaRecordArb(): fc.Arbitrary<KafkaRecordIn> {
  const kafkaValueArb = fc.oneof(
    headerValueArb.map((v) => Buffer.from(v, 'latin1')),
    headerValueArb,
    fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b)),
  );
  const kafkaHeadersArb = fc.dictionary(
    fc.oneof(
      fc.constantFrom('content-type', 'CE_ID', 'ce_'),
      fc.constantFrom(...ATTRIBUTE_NAMES).map((name) => `ce_${name}`),
      fc.string({ unit: 'binary', maxLength: 10 }).map((s) => `ce_${s}`),
    ),
    fc.oneof(kafkaValueArb, fc.array(kafkaValueArb, { maxLength: 2 }), fc.constant(undefined)),
    { maxKeys: 10 },
  );
  const recordArb = fc.record({
    key: fc.oneof(fc.constant(null), fc.constant(undefined), fc.string({ unit: 'binary', maxLength: 8 }), fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b))),
    value: fc.option(bodyArb, { nil: null }),
    headers: kafkaHeadersArb,
  });
  const damagedArb = fc
    .tuple(eventArb, fc.boolean(), kafkaHeadersArb, fc.option(bodyArb, { nil: undefined }))
    .map(([event, structured, extra, value]) => {
      const record = structured ? toKafkaStructured(event) : toKafkaBinary(event);
      return { key: record.key, value: value ?? record.value, headers: { ...record.headers, ...extra } } as KafkaRecordIn;
    });
  return fc.oneof(recordArb as fc.Arbitrary<KafkaRecordIn>, damagedArb);
}

/** Every attribute a filter can read, as the filter reads it (context attributes by name, extensions). */
function readableAttributes(event: CloudEventAttributes): Record<string, unknown> {
  const { specversion, id, source, type, datacontenttype, dataschema, schemaurl, subject, time, datacontentencoding } = event;
  return { specversion, id, source, type, datacontenttype, dataschema, schemaurl, subject, time, datacontentencoding, extensions: { ...event.extensions } };
}

/** The parsed event, or undefined when parseKafka refuses the record. */
function parsedOrUndefined(record: KafkaRecordIn): CloudEvent | undefined {
  try {
    return parseKafka(record);
  } catch (err) {
    if (err instanceof CloudEventValidationError) return undefined;
    throw err;
  }
}

describe("a Kafka record's attributes read from its headers alone (kafkaHeaderAttributes)", () => {
  it('are there for every binary-mode record and read what parseKafka gives', () => {
    fc.assert(
      fc.property(eventArb, fc.boolean(), (event, asBuffers) => {
        const record = toKafkaBinary(event);
        const headers = asBuffers ? Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(v)])) : record.headers;
        const view = kafkaHeaderAttributes({ ...record, headers });
        expect(view).toBeDefined();
        expect(readableAttributes(view as CloudEventAttributes)).toEqual(readableAttributes(event));
      }),
      RUNS,
    );
  });

  it('are not there for a structured-mode record, whose attributes are in its value', () => {
    fc.assert(
      fc.property(eventArb, (event) => {
        expect(kafkaHeaderAttributes(toKafkaStructured(event))).toBeUndefined();
      }),
      RUNS,
    );
  });

  it('read, for any record parseKafka accepts, what it gives, or are not there', () => {
    let compared = 0;
    fc.assert(
      fc.property(hostileKafkaRecordArb(), (record) => {
        const event = parsedOrUndefined(record);
        if (event === undefined) return;
        const view = kafkaHeaderAttributes(record);
        if (view === undefined) return;
        compared++;
        expect(readableAttributes(view)).toEqual(readableAttributes(event));
      }),
      RUNS,
    );
    // Not only vacuously true.
    expect(compared).toBeGreaterThan(0);
  });
});

describe('any input parses to valid events or throws CloudEventValidationError, nothing else', () => {
  it('arbitrary HTTP headers and bodies', () => {
    fc.assert(
      fc.property(
        httpHeadersArb,
        fc.option(fc.constantFrom('application/cloudevents+json', 'application/cloudevents-batch+json; charset=utf-8'), { nil: undefined }),
        bodyArb,
        (headers, contentType, body) => {
          acceptedOrRejected(() => parseHttp({ headers: contentType ? { ...headers, 'content-type': contentType } : headers, body }));
        },
      ),
      RUNS,
    );
  });

  it('damaged HTTP messages', () => {
    const outcomes = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(damagedHttpArb, (message) => {
        outcomes[acceptedOrRejected(() => parseHttp(message))]++;
      }),
      RUNS,
    );
    // Both branches are exercised, not just the error path.
    expect(outcomes.accepted).toBeGreaterThan(0);
    expect(outcomes.rejected).toBeGreaterThan(0);
  });

  it('arbitrary structured envelopes and batches', () => {
    fc.assert(
      fc.property(envelopeArb, fc.boolean(), (envelope, asBatch) => {
        const body = Buffer.from(JSON.stringify(asBatch ? [envelope] : envelope));
        const contentType = asBatch ? 'application/cloudevents-batch+json' : 'application/cloudevents+json';
        acceptedOrRejected(() => parseHttp({ headers: { 'content-type': contentType }, body }));
      }),
      RUNS,
    );
  });

  it('arbitrary Kafka records, header values as Buffers or strings', () => {
    fc.assert(
      fc.property(hostileKafkaRecordArb(), (record) => {
        acceptedOrRejected(() => [parseKafka(record)]);
      }),
      RUNS,
    );
  });

  it('arbitrary header values through the percent-decoder', () => {
    fc.assert(
      fc.property(headerValueArb, (value) => {
        try {
          decodeHttpHeaderValue(value, 'x', 'ce-x');
        } catch (err) {
          if (!(err instanceof CloudEventValidationError)) throw err;
        }
      }),
      RUNS,
    );
  });
});
