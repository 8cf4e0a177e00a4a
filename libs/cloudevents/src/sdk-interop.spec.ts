import { CloudEvent as SdkEvent, HTTP, Kafka, type Message } from 'cloudevents';
import {
  createEvent,
  parseHttp,
  parseKafka,
  toHttpBinary,
  toHttpStructured,
  toKafkaBinary,
  toKafkaStructured,
  type CloudEvent,
  type HttpHeaders,
  type KafkaRecordIn,
} from './index';

// The CloudEvents JavaScript SDK (v10) as the peer on the other end of the wire.

type SdkRead = SdkEvent<unknown> & Record<string, unknown>;

function single(read: unknown): SdkRead {
  expect(Array.isArray(read)).toBe(false);
  return read as SdkRead;
}

/** Compares what the SDK read with what we sent. The SDK rewrites `time` via Date, so it is compared as an instant. */
function expectSameAttributes(sdk: SdkRead, ours: CloudEvent): void {
  expect(sdk.specversion).toBe(ours.specversion);
  expect(sdk.id).toBe(ours.id);
  expect(sdk.source).toBe(ours.source);
  expect(sdk.type).toBe(ours.type);
  expect(sdk.subject).toBe(ours.subject);
  expect(sdk.datacontenttype).toBe(ours.datacontenttype);
  if (ours.specversion === '1.0') expect(sdk.dataschema).toBe(ours.dataschema);
  else expect(sdk.schemaurl).toBe(ours.schemaurl);
  if (ours.time !== undefined) expect(Date.parse(sdk.time as string)).toBe(Date.parse(ours.time));
  for (const [name, value] of Object.entries(ours.extensions)) expect(sdk[name]).toBe(value);
}

/** The SDK's in-memory data: a parsed JSON value, a string, or binary it also exposes as data_base64. */
function expectSameData(sdk: SdkRead, ours: CloudEvent): void {
  if (ours.data === undefined) {
    expect(sdk.data).toBeUndefined();
  } else if (typeof sdk.data_base64 === 'string') {
    expect(sdk.data_base64).toBe(ours.data.toString('base64'));
  } else if (sdk.datacontentencoding === 'base64') {
    // The SDK's Kafka structured reader leaves 0.3 base64 data encoded, with the attribute set.
    expect(sdk.data).toBe(ours.data.toString('base64'));
  } else if (typeof sdk.data === 'string') {
    expect(sdk.data).toBe(ours.data.toString('utf8'));
  } else {
    expect(sdk.data).toEqual(JSON.parse(ours.data.toString('utf8')));
  }
}

// Values without spaces or non-ASCII: the SDK does not percent-decode headers.
const time = '2024-05-01T10:00:00.000Z';
const ours: Array<[string, CloudEvent]> = [
  ['1.0 JSON', createEvent({ source: '/orders', type: 'com.example.order', subject: 'o-1', time, data: { id: 1, items: ['a'] }, extensions: { traceparent: '00-1-2-01', partitionkey: 'p1' } })],
  ['1.0 bytes', createEvent({ source: 'urn:s', type: 't', time, datacontenttype: 'application/octet-stream', dataschema: 'https://example.com/s', data: Buffer.from([0, 1, 254, 255]) })],
  ['1.0 text', createEvent({ source: '/s', type: 't', time, datacontenttype: 'text/plain', data: 'hello' })],
  ['0.3 JSON', createEvent({ specversion: '0.3', source: '/s', type: 't', time, schemaurl: 'http://schema', datacontenttype: 'application/json', data: { ok: true } })],
  ['0.3 bytes', createEvent({ specversion: '0.3', source: '/s', type: 't', time, datacontenttype: 'application/octet-stream', data: Buffer.from([7, 8, 9]) })],
  ['1.0 no data', createEvent({ source: '/s', type: 't', time, extensions: { tenant: 'acme' } })],
];

describe('the SDK reads what we write', () => {
  it.each(ours)('%s, HTTP binary', (_, event) => {
    const { headers, body } = toHttpBinary(event);
    const sdk = single(HTTP.toEvent({ headers, body } as Message));
    expectSameAttributes(sdk, event);
    if (event.data === undefined) expect(sdk.data).toBeUndefined();
    else if (Buffer.isBuffer(sdk.data)) expect(sdk.data).toEqual(event.data);
    else expectSameData(sdk, event);
  });

  it.each(ours)('%s, HTTP structured', (_, event) => {
    const { headers, body } = toHttpStructured(event);
    // The SDK wants the body as text, as a body parser would hand it over.
    const sdk = single(HTTP.toEvent({ headers, body: body.toString('utf8') } as Message));
    expectSameAttributes(sdk, event);
    expectSameData(sdk, event);
  });

  it.each(ours.filter(([, e]) => e.data !== undefined))('%s, Kafka binary', (_, event) => {
    const record = toKafkaBinary(event);
    const sdk = single(Kafka.toEvent({ headers: record.headers, key: record.key, value: record.value, body: record.value } as unknown as Message));
    expectSameAttributes(sdk, event);
    if (Buffer.isBuffer(sdk.data)) expect(sdk.data).toEqual(event.data);
    else expectSameData(sdk, event);
  });

  it.each(ours)('%s, Kafka structured', (_, event) => {
    const record = toKafkaStructured(event);
    const sdk = single(Kafka.toEvent({ headers: record.headers, key: record.key, value: record.value, body: record.value } as unknown as Message));
    expectSameAttributes(sdk, event);
    expectSameData(sdk, event);
  });
});

describe('we read what the SDK writes', () => {
  const sdkEvents: Array<[string, SdkEvent<unknown>]> = [
    ['1.0 JSON with a numeric extension', new SdkEvent({ source: '/s', type: 't', subject: 'sub', data: { a: [1, 2] }, datacontenttype: 'application/json', comexampleothervalue: 5 })],
    ['1.0 bytes', new SdkEvent({ source: '/s', type: 't', datacontenttype: 'application/octet-stream', data: Buffer.from([0, 255]), dataschema: 'https://x/s' })],
    ['1.0 text', new SdkEvent({ source: '/s', type: 't', datacontenttype: 'text/plain', data: 'hi there', partitionkey: 'pk' })],
    ['1.0 no data', new SdkEvent({ source: '/s', type: 't' })],
    ['0.3 JSON', new SdkEvent({ specversion: '0.3', source: '/s', type: 't', schemaurl: 'http://s', datacontenttype: 'application/json', data: { b: true } })],
    ['0.3 bytes', new SdkEvent({ specversion: '0.3', source: '/s', type: 't', datacontenttype: 'application/octet-stream', data: Buffer.from([1, 2, 3]) })],
  ];

  function expectEvent(event: CloudEvent, sdk: SdkRead): void {
    expect(event.specversion).toBe(sdk.specversion);
    expect(event.id).toBe(sdk.id);
    expect(event.source).toBe(sdk.source);
    expect(event.type).toBe(sdk.type);
    expect(event.time).toBe(sdk.time);
    expect(event.subject).toBe(sdk.subject);
    if (sdk.specversion === '1.0') expect(event.dataschema).toBe(sdk.dataschema);
    else expect(event.schemaurl).toBe(sdk.schemaurl);
    if (sdk.comexampleothervalue !== undefined) expect(event.extensions.comexampleothervalue).toBe(String(sdk.comexampleothervalue));
    if (sdk.data === undefined) expect(event.data).toBeUndefined();
    else if (typeof sdk.data_base64 === 'string') expect(event.data?.toString('base64')).toBe(sdk.data_base64);
    else if (typeof sdk.data === 'string') expect(event.data?.toString()).toBe(sdk.data);
    else expect(JSON.parse(event.data?.toString() ?? '')).toEqual(sdk.data);
  }

  it.each(sdkEvents)('%s, HTTP binary', (_, sdkEvent) => {
    const message = HTTP.binary(sdkEvent);
    const body = message.body === undefined ? Buffer.alloc(0) : Buffer.from(message.body as string | Uint8Array);
    const [event] = parseHttp({ headers: message.headers as HttpHeaders, body });
    expectEvent(event, sdkEvent as SdkRead);
    // With no datacontenttype of its own the SDK sends its JSON default, which we keep.
    expect(event.datacontenttype).toBe(sdkEvent.datacontenttype ?? 'application/json; charset=utf-8');
  });

  it.each(sdkEvents)('%s, HTTP structured', (_, sdkEvent) => {
    const message = HTTP.structured(sdkEvent);
    const [event] = parseHttp({ headers: message.headers as HttpHeaders, body: Buffer.from(message.body as string) });
    expectEvent(event, sdkEvent as SdkRead);
    expect(event.datacontenttype).toBe(sdkEvent.datacontenttype);
  });

  // The SDK's Kafka.binary leaves JSON objects unserialized in `value`, which no Kafka client
  // could send, so only string and byte payloads are exchanged that way.
  it.each(sdkEvents.filter(([, e]) => typeof e.data !== 'object' || Buffer.isBuffer(e.data)))('%s, Kafka binary', (_, sdkEvent) => {
    const message = Kafka.binary(sdkEvent);
    const event = parseKafka(message as unknown as KafkaRecordIn);
    expectEvent(event, sdkEvent as SdkRead);
    expect(event.datacontenttype).toBe(sdkEvent.datacontenttype);
    if ((sdkEvent as SdkRead).partitionkey !== undefined) expect(event.extensions.partitionkey).toBe((sdkEvent as SdkRead).partitionkey);
  });
});
