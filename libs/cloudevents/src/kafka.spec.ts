import {
  CloudEventValidationError,
  createEvent,
  parseKafka,
  toKafkaBinary,
  toKafkaStructured,
  type CloudEvent,
  type KafkaRecordIn,
} from './index';

function rejection(record: KafkaRecordIn): CloudEventValidationError {
  try {
    parseKafka(record);
  } catch (err) {
    expect(err).toBeInstanceOf(CloudEventValidationError);
    return err as CloudEventValidationError;
  }
  throw new Error('expected a CloudEventValidationError');
}

/** As kafkajs delivers headers: every value a Buffer. */
function asBuffers(headers: Record<string, string>): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));
}

const required = { ce_specversion: '1.0', ce_id: 'id-1', ce_source: '/src', ce_type: 'com.example.t' };

describe('parseKafka, binary mode', () => {
  it('reads ce_ headers (Buffers, as kafkajs gives them), content-type and value', () => {
    const value = Buffer.from('{"a":1}');
    const event = parseKafka({
      key: null,
      value,
      headers: asBuffers({ ...required, 'content-type': 'application/json', ce_subject: 'Grüße 100%', ce_traceparent: 'tp' }),
    });
    expect(event).toStrictEqual({
      specversion: '1.0',
      id: 'id-1',
      source: '/src',
      type: 'com.example.t',
      datacontenttype: 'application/json',
      subject: 'Grüße 100%',
      extensions: { traceparent: 'tp' },
      data: value,
    });
  });

  it('has no data for a null value (a tombstone), but keeps an empty one', () => {
    expect(parseKafka({ value: null, headers: required }).data).toBeUndefined();
    expect(parseKafka({ value: Buffer.alloc(0), headers: required }).data).toEqual(Buffer.alloc(0));
  });

  it('does not percent-decode: Kafka headers are plain UTF-8', () => {
    expect(parseKafka({ value: null, headers: { ...required, ce_subject: 'a%20b' } }).subject).toBe('a%20b');
  });

  it('maps the record key to partitionkey unless the event has one', () => {
    expect(parseKafka({ key: Buffer.from('k1'), value: null, headers: required }).extensions).toEqual({ partitionkey: 'k1' });
    expect(parseKafka({ key: 'k2', value: null, headers: required }).extensions).toEqual({ partitionkey: 'k2' });
    expect(parseKafka({ key: 'k3', value: null, headers: { ...required, ce_partitionkey: 'from-header' } }).extensions).toEqual({
      partitionkey: 'from-header',
    });
    expect(parseKafka({ key: null, value: null, headers: required }).extensions).toEqual({});
  });

  it('leaves a key that is not text out of the event rather than refusing the event', () => {
    expect(parseKafka({ key: Buffer.from([0xff, 0xfe]), value: null, headers: required }).extensions).toEqual({});
    expect(parseKafka({ key: 'a\u0000b', value: null, headers: required }).extensions).toEqual({});
  });

  it.each<[Record<string, unknown>, string | undefined, string]>([
    [{ ...required, ce_id: undefined }, 'id', "missing required attribute 'id'"],
    [{ ...required, ce_specversion: '0.2' }, 'specversion', "unsupported specversion '0.2'"],
    [{ ...required, ce_Foo_bar: 'x' }, 'foo_bar', "invalid extension name 'foo_bar' (header 'ce_Foo_bar')"],
    [{ ...required, ce_subject: Buffer.from([0xc0, 0xa0]) }, 'subject', "header 'ce_subject' is not valid UTF-8"],
    [{ ...required, ce_subject: [Buffer.from('a'), Buffer.from('b')] }, 'subject', "header 'ce_subject' occurs 2 times"],
    [{ ...required, ce_time: 'soon' }, 'time', "attribute 'time' is not an RFC 3339 timestamp: 'soon'"],
    [{ ...required, CE_ID: 'again' }, 'id', "attribute 'id' is given by more than one header"],
    [{ 'content-type': 'application/json' }, undefined, 'not a CloudEvent: no ce_specversion header and content-type is not application/cloudevents+json'],
    [{ 'content-type': 'application/cloudevents-batch+json' }, undefined, 'the Kafka binding has no batch mode'],
    [{ 'content-type': 'application/cloudevents+avro' }, undefined, "unsupported event format 'application/cloudevents+avro': only JSON is read"],
  ])('refuses %p', (headers, attribute, message) => {
    const err = rejection({ value: Buffer.from('x'), headers: headers as KafkaRecordIn['headers'] });
    expect(err.attribute).toBe(attribute);
    expect(err.message).toBe(message);
  });

  it('accepts a header given once in an array', () => {
    expect(parseKafka({ value: null, headers: { ...required, ce_subject: [Buffer.from('s')] } }).subject).toBe('s');
  });
});

describe('parseKafka, structured mode', () => {
  const envelope = { specversion: '0.3', id: 'i', source: '/s', type: 't', datacontenttype: 'text/plain', data: 'hello' };

  it('reads a JSON-format value', () => {
    const event = parseKafka({
      key: 'k',
      value: Buffer.from(JSON.stringify(envelope)),
      headers: { 'content-type': Buffer.from('application/cloudevents+json; charset=UTF-8') },
    });
    expect(event).toStrictEqual({
      specversion: '0.3',
      id: 'i',
      source: '/s',
      type: 't',
      datacontenttype: 'text/plain',
      extensions: { partitionkey: 'k' },
      data: Buffer.from('hello'),
    });
  });

  it('refuses a structured record without a value, or with a broken one', () => {
    expect(rejection({ value: null, headers: { 'content-type': 'application/cloudevents+json' } }).message).toBe(
      'structured record has no value',
    );
    expect(rejection({ value: Buffer.from('{'), headers: { 'content-type': 'application/cloudevents+json' } }).message).toMatch(
      /^structured body is not valid JSON/,
    );
  });
});

describe('toKafkaBinary', () => {
  it('writes ce_ headers without percent-encoding, content-type, value and partitionkey as key', () => {
    const event = createEvent({
      id: 'id 1',
      source: '/s',
      type: 't',
      subject: 'Euro € 100%',
      datacontenttype: 'application/json',
      data: { a: 1 },
      extensions: { partitionkey: 'pk', n: 3 },
    });
    expect(toKafkaBinary(event)).toEqual({
      key: 'pk',
      value: Buffer.from('{"a":1}'),
      headers: {
        ce_specversion: '1.0',
        ce_id: 'id 1',
        ce_source: '/s',
        ce_type: 't',
        'content-type': 'application/json',
        ce_subject: 'Euro € 100%',
        ce_partitionkey: 'pk',
        ce_n: '3',
      },
    });
  });

  it('has a null key and value when there is no partitionkey or data', () => {
    const record = toKafkaBinary(createEvent({ source: '/s', type: 't' }));
    expect(record.key).toBeNull();
    expect(record.value).toBeNull();
  });
});

describe('Kafka round trips', () => {
  const events: Array<[string, CloudEvent]> = [
    ['1.0 JSON', createEvent({ source: '/s', type: 't', data: { x: [1] }, time: '2024-01-01T00:00:00Z', extensions: { partitionkey: 'p' } })],
    ['1.0 bytes', createEvent({ source: '/s', type: 't', datacontenttype: 'application/octet-stream', data: Buffer.from([0, 0xff]) })],
    ['0.3 text', createEvent({ specversion: '0.3', source: '/s', type: 't', schemaurl: 's', datacontenttype: 'text/plain', data: 'ü' })],
    ['0.3 none', createEvent({ specversion: '0.3', source: '/s', type: 't', subject: 'a b' })],
  ];

  it.each(events)('%s: binary and structured, headers as Buffers or strings', (_, event) => {
    const binary = toKafkaBinary(event);
    expect(parseKafka(binary)).toEqual(event);
    expect(parseKafka({ ...binary, headers: asBuffers(binary.headers), key: binary.key && Buffer.from(binary.key) })).toEqual(event);
    const structured = toKafkaStructured(event);
    expect(structured.headers).toEqual({ 'content-type': 'application/cloudevents+json; charset=utf-8' });
    expect(parseKafka(structured)).toEqual(event);
  });
});
