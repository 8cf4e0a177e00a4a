import type { CloudEvent } from '@seldon-eventing/cloudevents';
import type { DeliveryFailure } from '@seldon-eventing/eventing';

/** What one attempt at delivering an event to a subscriber came to. */
export type AttemptOutcome =
  /** `status`: the subscriber's HTTP answer; none for an in-process handler. */
  | { ok: true; reply?: CloudEvent; status?: number }
  | { ok: false; retryable: boolean; failure: DeliveryFailure };

/**
 * What a delivery came to after its retries. `retried` holds the status (none for a network error)
 * of each failed attempt that was tried again, for the metrics; absent when none was.
 */
export type DeliveryOutcome = (
  | { kind: 'delivered'; attempts: number; reply?: CloudEvent; status?: number }
  | { kind: 'failed'; attempts: number; failure: DeliveryFailure }
  /** Stopped by shutdown before an outcome: the event must be redelivered, not acknowledged. */
  | { kind: 'aborted'; attempts: number }
) & { retried?: RetriedStatus[] };

/** The HTTP status of an attempt that failed and was tried again; undefined for a network error. */
export type RetriedStatus = number | undefined;
