import { createEvent } from '@seldon-eventing/cloudevents';
import { KNATIVE_ERROR_DATA_MAX_LENGTH, MAX_BACKOFF_MS, deadLetterEvent, isRetryable, retryPolicy } from './index';

describe('retryPolicy', () => {
  it('makes one attempt and never waits without a delivery spec', () => {
    const policy = retryPolicy(undefined);
    expect(policy.attempts).toBe(1);
    expect(policy.backoffMs(1)).toBe(0);
    expect(policy.timeoutMs).toBeUndefined();
  });

  it('counts retries after the first attempt', () => {
    expect(retryPolicy({ retry: 0 }).attempts).toBe(1);
    expect(retryPolicy({ retry: 3 }).attempts).toBe(4);
  });

  it('backs off linearly: delay * retryNumber', () => {
    const policy = retryPolicy({ retry: 5, backoffPolicy: 'linear', backoffDelay: 'PT2.5S' });
    expect([1, 2, 3, 4, 5].map((n) => policy.backoffMs(n))).toEqual([2500, 5000, 7500, 10000, 12500]);
  });

  it('backs off exponentially: delay * 2^retryNumber (Knative retries_test.go numbers)', () => {
    const policy = retryPolicy({ retry: 5, backoffPolicy: 'exponential', backoffDelay: 'PT1.5S' });
    expect([1, 2, 3, 4, 5].map((n) => policy.backoffMs(n))).toEqual([3000, 6000, 12000, 24000, 48000]);
    const half = retryPolicy({ retry: 5, backoffPolicy: 'exponential', backoffDelay: 'PT0.5S' });
    expect([1, 2, 3, 4, 5].map((n) => half.backoffMs(n))).toEqual([1000, 2000, 4000, 8000, 16000]);
  });

  it('defaults the policy to exponential when only a delay is given', () => {
    const policy = retryPolicy({ retry: 3, backoffDelay: 'PT0.2S' });
    expect([1, 2, 3].map((n) => policy.backoffMs(n))).toEqual([400, 800, 1600]);
  });

  it('does not wait when no backoffDelay is given, as Knative', () => {
    expect(retryPolicy({ retry: 3, backoffPolicy: 'linear' }).backoffMs(2)).toBe(0);
    expect(retryPolicy({ retry: 3, backoffPolicy: 'exponential' }).backoffMs(2)).toBe(0);
  });

  it('caps a huge backoff at what a timer can wait', () => {
    const policy = retryPolicy({ retry: 100, backoffDelay: 'P1D' });
    expect(policy.backoffMs(100)).toBe(MAX_BACKOFF_MS);
  });

  it('reads the per-attempt timeout', () => {
    expect(retryPolicy({ timeout: 'PT10S' }).timeoutMs).toBe(10_000);
    expect(retryPolicy({ timeout: 'PT0.25S' }).timeoutMs).toBe(250);
  });

  it('refuses bad values up front with a RangeError', () => {
    expect(() => retryPolicy({ retry: -1 })).toThrow(RangeError);
    expect(() => retryPolicy({ retry: 1.5 })).toThrow(RangeError);
    expect(() => retryPolicy({ backoffPolicy: 'random' as 'linear' })).toThrow('delivery.backoffPolicy must be linear or exponential, got random');
    expect(() => retryPolicy({ backoffDelay: '200ms' })).toThrow(RangeError);
    expect(() => retryPolicy({ timeout: 'PT0S' })).toThrow('delivery.timeout must be greater than zero, got PT0S');
  });
});

describe('isRetryable', () => {
  it.each([undefined, -1, 404, 408, 409, 429, 500, 502, 503, 504, 599])('retries %s', (status) => {
    expect(isRetryable(status)).toBe(true);
  });
  it.each([200, 202, 204, 300, 301, 400, 401, 403, 405, 410, 413, 415, 422])('does not retry %s', (status) => {
    expect(isRetryable(status)).toBe(false);
  });
});

describe('deadLetterEvent', () => {
  const event = createEvent({ specversion: '0.3', id: 'e1', source: 'src', type: 't', extensions: { path: '/x' }, data: { a: 1 } });

  it('adds knativeerrorcode, knativeerrordest and knativeerrordata (base64 of the body) to a copy', () => {
    const letter = deadLetterEvent(event, { status: 503, destination: 'http://event-display.default.svc.cluster.local/', body: Buffer.from('overloaded') });
    expect(letter.extensions).toEqual({
      path: '/x',
      knativeerrorcode: '503',
      knativeerrordest: 'http://event-display.default.svc.cluster.local/',
      knativeerrordata: Buffer.from('overloaded').toString('base64'),
    });
    expect(letter.id).toBe('e1');
    expect(letter.data).toBe(event.data);
    expect(event.extensions).toEqual({ path: '/x' });
  });

  it('keeps knativeerrordata within 1024 characters: the first 768 bytes of a long body', () => {
    const body = Buffer.alloc(5000);
    for (let i = 0; i < body.length; i++) body[i] = i % 251;
    const data = deadLetterEvent(event, { status: 500, destination: 'http://x/', body }).extensions.knativeerrordata;
    expect(data).toHaveLength(KNATIVE_ERROR_DATA_MAX_LENGTH);
    expect(Buffer.from(data, 'base64')).toEqual(body.subarray(0, 768));
    // Exactly Knative's rule: the base64 text of the whole body cut at 1024 characters.
    expect(data).toBe(body.toString('base64').slice(0, 1024));
  });

  it.each([767, 768, 769])('encodes a body of %d bytes without breaking the base64', (n) => {
    const body = Buffer.alloc(n, 0x41);
    const data = deadLetterEvent(event, { status: 500, destination: 'http://x/', body }).extensions.knativeerrordata;
    expect(data.length).toBeLessThanOrEqual(1024);
    expect(Buffer.from(data, 'base64')).toEqual(body.subarray(0, 768));
  });

  it('gives an empty knativeerrordata for an empty body', () => {
    expect(deadLetterEvent(event, { status: 404, destination: 'http://x/', body: Buffer.alloc(0) }).extensions.knativeerrordata).toBe('');
    expect(deadLetterEvent(event, { status: 404, destination: 'http://x/' }).extensions.knativeerrordata).toBe('');
  });

  it('reports a network error as 500 with "dispatch error: <message>", as Knative does', () => {
    const letter = deadLetterEvent(event, { destination: 'http://down.default.svc.cluster.local/', message: 'connect ECONNREFUSED 127.0.0.1:9' });
    expect(letter.extensions.knativeerrorcode).toBe('500');
    expect(Buffer.from(letter.extensions.knativeerrordata, 'base64').toString()).toBe('dispatch error: connect ECONNREFUSED 127.0.0.1:9');
  });
});
