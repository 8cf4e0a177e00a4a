import type { RetryPolicy } from '@seldon-eventing/eventing';
import type { AttemptOutcome, DeliveryOutcome, RetriedStatus } from './attempt';

/**
 * Runs attempts until one succeeds, one fails for good, or the policy's retries run out,
 * waiting the policy's backoff between them. Shared by every backend so that a Trigger's
 * delivery spec means the same on all of them.
 *
 * 1. Try; a success ends the delivery.
 * 2. A failure that is not retryable, or the last allowed attempt failing, ends it as failed.
 * 3. Otherwise wait backoff(n) (cut short by `signal`, which aborts the delivery) and go to 1.
 */
export async function deliverWithRetries(
  policy: RetryPolicy,
  attempt: (attemptNumber: number) => Promise<AttemptOutcome>,
  signal?: AbortSignal,
): Promise<DeliveryOutcome> {
  // Allocated only once an attempt is retried: most deliveries succeed at the first.
  let retried: RetriedStatus[] | undefined;
  for (let n = 1; ; n++) {
    if (signal?.aborted) return { kind: 'aborted', attempts: n - 1, retried };
    const outcome = await attempt(n);
    if (outcome.ok) return { kind: 'delivered', attempts: n, reply: outcome.reply, status: outcome.status, retried };
    if (!outcome.retryable || n >= policy.attempts) {
      return { kind: 'failed', attempts: n, failure: outcome.failure, retried };
    }
    (retried ??= []).push(outcome.failure.status);
    if (!(await sleep(policy.backoffMs(n), signal))) return { kind: 'aborted', attempts: n, retried };
  }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
