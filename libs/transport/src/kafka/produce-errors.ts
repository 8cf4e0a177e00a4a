import type { AttemptOutcome } from '../delivery/attempt';
import { brokerTopic } from './naming';
import type { BrokerRef } from '../bus';

/**
 * Kafka error codes that no retry can change (the record is too large or malformed, the client is
 * not allowed to write, the topic is missing with auto-creation off). kafkajs marks the protocol
 * errors it would retry itself as `retriable`; these it does not.
 */
const PERMANENT = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'INVALID_TOPIC_EXCEPTION',
]);

/** The Kafka error type of a failed produce (kafkajs nests the broker's error in `cause`). */
export function kafkaErrorType(err: unknown): string | undefined {
  for (let e = err as { type?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.type === 'string') return e.type;
  }
  return undefined;
}

/** A record (or batch) over the topic's limit: Kafka's refusal, or ours before sending. */
export function isRecordTooLarge(err: unknown): boolean {
  const type = kafkaErrorType(err);
  return type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE';
}

export function isPermanentProduceError(err: unknown): boolean {
  const type = kafkaErrorType(err);
  return type !== undefined && PERMANENT.has(type);
}

/** A failed produce as a delivery attempt's failure: 413 for a record over the limit, else 500 or 503. */
export function produceFailure(err: unknown, target: BrokerRef | { topic: string }): AttemptOutcome {
  const topic = 'topic' in target ? target.topic : brokerTopic(target);
  const permanent = isPermanentProduceError(err);
  const status = isRecordTooLarge(err) ? 413 : permanent ? 500 : 503;
  const message = `producing to ${topic} failed: ${(err as Error).message}`;
  // The reason is the dead letter's knativeerrordata: there is no response body to carry.
  return { ok: false, retryable: !permanent, failure: { destination: `kafka topic ${topic}`, status, message, body: Buffer.from(message) } };
}
