import type { CloudEvent } from '@seldon-eventing/cloudevents';
import type { DeliveryFailure } from '@seldon-eventing/eventing';

/** What one attempt at delivering an event to a subscriber came to. */
export type AttemptOutcome =
  | { ok: true; reply?: CloudEvent }
  | { ok: false; retryable: boolean; failure: DeliveryFailure };

/** What a delivery came to after its retries. */
export type DeliveryOutcome =
  | { kind: 'delivered'; attempts: number; reply?: CloudEvent }
  | { kind: 'failed'; attempts: number; failure: DeliveryFailure }
  /** Stopped by shutdown before an outcome: the event must be redelivered, not acknowledged. */
  | { kind: 'aborted'; attempts: number };
