import type { RetryPolicy } from '@seldon-eventing/eventing';
import type { AttemptOutcome } from './attempt';
import { deliverWithRetries } from './retry';

const policy = (attempts: number, backoff = 1): RetryPolicy => ({ attempts, backoffMs: (n) => backoff * n });
const failure = (retryable: boolean): AttemptOutcome => ({ ok: false, retryable, failure: { destination: 'http://x/', status: retryable ? 503 : 400 } });

describe('deliverWithRetries', () => {
  it('stops at the first success', async () => {
    const outcomes = [failure(true), { ok: true } as AttemptOutcome];
    const outcome = await deliverWithRetries(policy(5), async (n) => outcomes[n - 1]);
    expect(outcome).toEqual({ kind: 'delivered', attempts: 2, reply: undefined, retried: [503] });
  });

  it('gives up after 1 + retry attempts', async () => {
    let calls = 0;
    const outcome = await deliverWithRetries(policy(3), async () => {
      calls++;
      return failure(true);
    });
    expect(calls).toBe(3);
    expect(outcome).toMatchObject({ kind: 'failed', attempts: 3, failure: { status: 503 } });
  });

  it('does not retry a failure that is not retryable', async () => {
    let calls = 0;
    const outcome = await deliverWithRetries(policy(5), async () => {
      calls++;
      return failure(false);
    });
    expect(calls).toBe(1);
    expect(outcome.kind).toBe('failed');
  });

  it('waits the policy backoff between attempts', async () => {
    jest.useFakeTimers();
    try {
      let calls = 0;
      const pending = deliverWithRetries(policy(3, 40), async () => {
        calls++;
        return failure(true);
      });
      await jest.advanceTimersByTimeAsync(39);
      expect(calls).toBe(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(calls).toBe(2);
      await jest.advanceTimersByTimeAsync(79);
      expect(calls).toBe(2);
      await jest.advanceTimersByTimeAsync(1);
      await expect(pending).resolves.toMatchObject({ kind: 'failed', attempts: 3 });
    } finally {
      jest.useRealTimers();
    }
  });

  it('is aborted during a backoff wait and reports it, so the event is not acknowledged', async () => {
    const abort = new AbortController();
    const pending = deliverWithRetries(policy(5, 10_000), async () => {
      // Shutdown arrives while the first attempt is under way: the wait after it is cut short.
      abort.abort();
      return failure(true);
    }, abort.signal);
    await expect(pending).resolves.toEqual({ kind: 'aborted', attempts: 1, retried: [503] });
  });
});
