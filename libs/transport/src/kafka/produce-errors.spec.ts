import { isPermanentProduceError, produceFailure } from './produce-errors';
import { recordBatchBytes, RecordTooLargeError } from './record-size';

describe('produce errors', () => {
  it("treats what no retry can change as permanent, kafkajs's wrapped errors included", () => {
    const tooLarge = Object.assign(new Error('too large'), { type: 'MESSAGE_TOO_LARGE' });
    const wrapped = Object.assign(new Error('retries exceeded'), { cause: tooLarge });
    expect(isPermanentProduceError(wrapped)).toBe(true);
    expect(isPermanentProduceError(Object.assign(new Error('denied'), { type: 'TOPIC_AUTHORIZATION_FAILED' }))).toBe(true);
    expect(isPermanentProduceError(new Error('Connection error: connect ECONNREFUSED'))).toBe(false);
    expect(isPermanentProduceError(Object.assign(new Error('leader moved'), { type: 'NOT_LEADER_FOR_PARTITION' }))).toBe(false);
  });

  it('gives a record over the limit 413, other permanent errors 500, the rest 503, and the reason as knativeerrordata', () => {
    const tooLarge = produceFailure(new RecordTooLargeError('t', 2_000_000, 1_048_588), { topic: 't' });
    expect(tooLarge).toMatchObject({ ok: false, retryable: false, failure: { status: 413, destination: 'kafka topic t' } });
    expect(String(!tooLarge.ok && tooLarge.failure.body)).toContain('over the limit of topic t: 1048588 bytes');
    expect(produceFailure(Object.assign(new Error('x'), { type: 'INVALID_RECORD' }), { namespace: 'default', name: 'default' })).toMatchObject({
      retryable: false,
      failure: { status: 500, destination: 'kafka topic knative-broker-default-default' },
    });
    expect(produceFailure(new Error('timeout'), { topic: 't' })).toMatchObject({ retryable: true, failure: { status: 503 } });
  });
});

describe('recordBatchBytes', () => {
  it('bounds the size of a record in a batch of its own from above', () => {
    const value = Buffer.alloc(1000);
    expect(recordBatchBytes({ key: null, value })).toBe(61 + 21 + 1000);
    expect(recordBatchBytes({ key: 'k', value, headers: { ce_id: 'abc' } })).toBe(61 + 21 + 1 + 1000 + 10 + 5 + 3);
  });
});
