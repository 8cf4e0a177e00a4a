import type { CloudEvent } from '@seldon-eventing/cloudevents';
import { crc32 } from './crc32';

/** An accepted event and the Triggers (`<namespace>/<name>`) it must still reach. */
export interface EventRecord {
  kind: 'event';
  seq: number;
  /** The broker (`<namespace>/<name>`) it was accepted by: replies to it go back there. */
  broker: string;
  triggers: string[];
  event: CloudEvent;
}

/** The event `seq` is done with for `triggers[trigger]`: delivered, dead-lettered or given up. */
export interface AckRecord {
  kind: 'ack';
  seq: number;
  trigger: number;
}

export type LogRecord = EventRecord | AckRecord;

export interface DecodedFrames {
  records: LogRecord[];
  /** Records whose checksum or content did not hold up: skipped. */
  corrupt: number;
  /** Bytes at the end that do not make a whole record (a write cut short by a crash). */
  truncatedBytes: number;
}

// Frame: u32 payload length, u32 CRC-32 of the payload, payload. Payload: u8 kind, u48 seq, then
// for an event u32 header length, header JSON (broker, triggers, attributes), data bytes;
// for an ack u16 trigger index.
const FRAME_HEADER = 8;
const KIND_EVENT = 1;
const KIND_ACK = 2;
const SEQ_BYTES = 6;

interface EventHeader {
  broker: string;
  triggers: string[];
  attributes: Omit<CloudEvent, 'data'>;
  hasData: boolean;
}

export function encodeRecord(record: LogRecord): Buffer {
  const payload = record.kind === 'event' ? eventPayload(record) : ackPayload(record);
  const frame = Buffer.allocUnsafe(FRAME_HEADER + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  frame.writeUInt32BE(crc32(payload), 4);
  payload.copy(frame, FRAME_HEADER);
  return frame;
}

function eventPayload(record: EventRecord): Buffer {
  const { data, ...attributes } = record.event;
  const header: EventHeader = { broker: record.broker, triggers: record.triggers, attributes, hasData: data !== undefined };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const fixed = Buffer.allocUnsafe(1 + SEQ_BYTES + 4);
  fixed.writeUInt8(KIND_EVENT, 0);
  fixed.writeUIntBE(record.seq, 1, SEQ_BYTES);
  fixed.writeUInt32BE(json.length, 1 + SEQ_BYTES);
  return Buffer.concat(data ? [fixed, json, data] : [fixed, json]);
}

function ackPayload(record: AckRecord): Buffer {
  const payload = Buffer.allocUnsafe(1 + SEQ_BYTES + 2);
  payload.writeUInt8(KIND_ACK, 0);
  payload.writeUIntBE(record.seq, 1, SEQ_BYTES);
  payload.writeUInt16BE(record.trigger, 1 + SEQ_BYTES);
  return payload;
}

/**
 * Reads the records of `bytes` from `offset` on. Never throws: a record that fails its checksum
 * is skipped by its length (the rest may be intact), and a record running past the end stops
 * the reading, since that is what a crash in the middle of a write leaves behind.
 */
export function decodeFrames(bytes: Buffer, offset = 0): DecodedFrames {
  const records: LogRecord[] = [];
  let corrupt = 0;
  let at = offset;
  while (at < bytes.length) {
    if (bytes.length - at < FRAME_HEADER) break;
    const length = bytes.readUInt32BE(at);
    const end = at + FRAME_HEADER + length;
    if (end > bytes.length) break;
    const payload = bytes.subarray(at + FRAME_HEADER, end);
    const record = crc32(payload) === bytes.readUInt32BE(at + 4) ? decodePayload(payload) : undefined;
    if (record) records.push(record);
    else corrupt++;
    at = end;
  }
  return { records, corrupt, truncatedBytes: bytes.length - at };
}

function decodePayload(payload: Buffer): LogRecord | undefined {
  if (payload.length < 1 + SEQ_BYTES) return undefined;
  const kind = payload.readUInt8(0);
  const seq = payload.readUIntBE(1, SEQ_BYTES);
  const body = 1 + SEQ_BYTES;
  if (kind === KIND_ACK && payload.length === body + 2) return { kind: 'ack', seq, trigger: payload.readUInt16BE(body) };
  if (kind !== KIND_EVENT || payload.length < body + 4) return undefined;
  const headerEnd = body + 4 + payload.readUInt32BE(body);
  if (headerEnd > payload.length) return undefined;
  let header: EventHeader;
  try {
    header = JSON.parse(payload.toString('utf8', body + 4, headerEnd)) as EventHeader;
  } catch {
    return undefined;
  }
  if (!isEventHeader(header)) return undefined;
  const event: CloudEvent = { ...header.attributes };
  // A copy, so that the event does not pin the whole segment file in memory.
  if (header.hasData) event.data = Buffer.from(payload.subarray(headerEnd));
  return { kind: 'event', seq, broker: header.broker, triggers: header.triggers, event };
}

function isEventHeader(value: unknown): value is EventHeader {
  const h = value as EventHeader;
  return (
    typeof h === 'object' &&
    h !== null &&
    typeof h.broker === 'string' &&
    Array.isArray(h.triggers) &&
    h.triggers.every((t) => typeof t === 'string') &&
    typeof h.attributes === 'object' &&
    h.attributes !== null &&
    typeof h.attributes.id === 'string' &&
    typeof h.attributes.extensions === 'object'
  );
}
