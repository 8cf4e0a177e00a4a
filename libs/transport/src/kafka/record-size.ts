import type { Message } from 'kafkajs';

/**
 * An upper bound of the bytes a record takes in a record batch of its own (Kafka's v2 format:
 * a 61-byte batch header; per record, at most 21 bytes of varint lengths, delta and attributes,
 * and 10 per header besides its key and value). A record within it fits `max.message.bytes`.
 */
export function recordBatchBytes(message: Message): number {
  let bytes = 61 + 21 + byteLength(message.key) + byteLength(message.value);
  for (const [key, value] of Object.entries(message.headers ?? {})) bytes += 10 + Buffer.byteLength(key) + byteLength(value as Buffer | string | undefined);
  return bytes;
}

/** The bytes of a record's key, value or header value. */
export function byteLength(value: Buffer | string | null | undefined): number {
  if (value == null) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

/** A record over its topic's limit: no retry can change that. `type` is Kafka's own error name for it. */
export class RecordTooLargeError extends Error {
  override readonly name = 'RecordTooLargeError';
  readonly type = 'MESSAGE_TOO_LARGE';

  constructor(
    readonly topic: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`the event is ${bytes} bytes as a Kafka record, over the limit of topic ${topic}: ${limit} bytes (max.message.bytes)`);
  }
}
