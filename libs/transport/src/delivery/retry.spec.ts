import type { RetryPolicy } from '@seldon-eventing/eventing';
import type { AttemptOutcome } from './attempt';
import { deliverWithRetries } from './retry';

const policy = (attempts: number, backoff = 1): RetryPolicy => ({ attempts, backoffMs: (n) => backoff * n });
const failure = (retryable: boolean): AttemptOutcome => ({ ok: false, retryable, failure: { destination: 'http://x/', status: retryable ? 503 : 400 } });

describe('deliverWithRetries', () => {
  it('stops at the first success', async () => {
    const outcomes = [failure(true), { ok: true } as AttemptOutcome];
    const outcome = await deliverWithRetries(policy(5), async (n) => outcomes[n - 1]);
    expect(outcome).toEqual({ kind: 'delivered', attempts: 2, reply: undefined });
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
    const times: number[] = [];
    await deliverWithRetries(policy(3, 40), async () => {
      times.push(Date.now());
      return failure(true);
    });
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(35);
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(75);
  });

  it('is aborted during a backoff wait and reports it, so the event is not acknowledged', async () => {
    const abort = new AbortController();
    const pending = deliverWithRetries(policy(5, 10_000), async () => failure(true), abort.signal);
    setTimeout(() => abort.abort(), 20);
    await expect(pending).resolves.toEqual({ kind: 'aborted', attempts: 1 });
  });
});
