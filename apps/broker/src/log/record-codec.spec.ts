import { randomBytes } from 'node:crypto';
import { createEvent } from '@seldon-eventing/cloudevents';
import { crc32, tableCrc32 } from './crc32';
import { decodeFrames, encodeRecord, type EventRecord } from './record-codec';

const event = createEvent({
  specversion: '0.3',
  id: 'e-1',
  source: 'seldon.examples.streaming.curl',
  type: 'seldon.iris-deployment.default.request',
  datacontenttype: 'application/json',
  extensions: { knativearrivaltime: '2026-11-25T21:30:30.886Z', knativebrokerttl: 255 },
  data: '{"data": { "ndarray": [[1,2,3,4]]}}',
});
const record: EventRecord = { kind: 'event', seq: 7, broker: 'default/default', triggers: ['default/a', 'default/b'], event };

describe('event log records', () => {
  it('give back every attribute, extension and data byte of the event', () => {
    const binary = { ...event, datacontenttype: 'application/octet-stream', data: randomBytes(300) };
    const withoutData = { ...event, data: undefined };
    delete withoutData.data;
    const frames = Buffer.concat([
      encodeRecord(record),
      encodeRecord({ ...record, seq: 8, event: binary }),
      encodeRecord({ ...record, seq: 9, event: withoutData }),
      encodeRecord({ kind: 'ack', seq: 7, trigger: 1 }),
    ]);
    const { records, corrupt, truncatedBytes } = decodeFrames(frames);
    expect({ corrupt, truncatedBytes }).toEqual({ corrupt: 0, truncatedBytes: 0 });
    expect(records).toEqual([record, { ...record, seq: 8, event: binary }, { ...record, seq: 9, event: withoutData }, { kind: 'ack', seq: 7, trigger: 1 }]);
    expect('data' in (records[2] as EventRecord).event).toBe(false);
  });

  it('stop at a record cut short, keeping those before it', () => {
    const whole = Buffer.concat([encodeRecord(record), encodeRecord({ kind: 'ack', seq: 7, trigger: 0 })]);
    for (const cut of [1, 5, 9, 12]) {
      const { records, truncatedBytes } = decodeFrames(whole.subarray(0, whole.length - cut));
      expect(records).toEqual([record]);
      expect(truncatedBytes).toBe(whole.length - cut - encodeRecord(record).length);
    }
  });

  it('skip a record whose bytes changed, and read on', () => {
    const first = encodeRecord(record);
    const frames = Buffer.concat([first, encodeRecord({ kind: 'ack', seq: 7, trigger: 0 })]);
    frames[first.length - 3] ^= 0x40;
    expect(decodeFrames(frames)).toEqual({ records: [{ kind: 'ack', seq: 7, trigger: 0 }], corrupt: 1, truncatedBytes: 0 });
  });

  it('never throw on garbage, even garbage with a valid checksum', () => {
    for (let i = 0; i < 200; i++) {
      expect(() => decodeFrames(randomBytes(i))).not.toThrow();
      const payload = Buffer.concat([Buffer.from([1 + (i % 2)]), randomBytes(i)]);
      const frame = Buffer.alloc(8 + payload.length);
      frame.writeUInt32BE(payload.length, 0);
      frame.writeUInt32BE(crc32(payload), 4);
      payload.copy(frame, 8);
      expect(() => decodeFrames(frame)).not.toThrow();
    }
  });

  it('use the standard CRC-32, with or without node:zlib', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    const bytes = randomBytes(4096);
    expect(tableCrc32(bytes)).toBe(crc32(bytes));
  });
});
