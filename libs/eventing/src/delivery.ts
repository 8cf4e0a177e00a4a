import { withExtensions, type CloudEvent } from '@seldon-eventing/cloudevents';
import { parseIsoDuration } from './duration';
import type { DeliverySpec } from './model';

export interface RetryPolicy {
  /** 1 + retry. */
  attempts: number;
  /** The wait before retry `retryNumber` (1 for the first retry), in milliseconds. */
  backoffMs(retryNumber: number): number;
  /** Per-attempt timeout from `timeout`, when the spec has one. */
  timeoutMs?: number;
}

/**
 * The longest wait backoffMs returns: setTimeout's maximum (about 24.8 days). Beyond it Node fires
 * the timer after 1 ms, which would turn a huge exponential backoff into no backoff at all.
 */
export const MAX_BACKOFF_MS = 2_147_483_647;

function clamp(ms: number): number {
  if (Number.isNaN(ms) || ms <= 0) return 0;
  return ms > MAX_BACKOFF_MS ? MAX_BACKOFF_MS : ms;
}

/**
 * Knative's RetryConfigFromDeliverySpec (pkg/kncloudevents/retries.go): `retry` retries after the
 * first attempt (none when unset); backoff `backoffDelay * retryNumber` (linear) or
 * `backoffDelay * 2^retryNumber` (exponential, the default policy); no wait at all when
 * `backoffDelay` is unset, as in Knative; `timeout` bounds each attempt. Bad values are a
 * RangeError here and now, not at the first failed delivery.
 */
export function retryPolicy(spec: DeliverySpec | undefined): RetryPolicy {
  const retry = spec?.retry ?? 0;
  if (typeof retry !== 'number' || !Number.isInteger(retry) || retry < 0) {
    throw new RangeError(`delivery.retry must be an integer >= 0, got ${String(retry)}`);
  }
  const policy = spec?.backoffPolicy ?? 'exponential';
  if (policy !== 'linear' && policy !== 'exponential') {
    throw new RangeError(`delivery.backoffPolicy must be linear or exponential, got ${String(policy)}`);
  }
  const delay = spec?.backoffDelay === undefined ? 0 : parseIsoDuration(spec.backoffDelay);
  const backoffMs =
    delay === 0
      ? () => 0
      : policy === 'linear'
        ? (retryNumber: number) => clamp(delay * retryNumber)
        : (retryNumber: number) => clamp(delay * 2 ** retryNumber);
  const result: RetryPolicy = { attempts: retry + 1, backoffMs };
  if (spec?.timeout !== undefined) {
    const timeoutMs = parseIsoDuration(spec.timeout);
    if (timeoutMs <= 0) throw new RangeError(`delivery.timeout must be greater than zero, got ${spec.timeout}`);
    result.timeoutMs = timeoutMs;
  }
  return result;
}

/**
 * Knative's SelectiveRetry: network errors (no status), 5xx, 404, 408, 409 and 429 are worth
 * another attempt; anything else (400, 401, 403, 413, 3xx...) is not.
 */
export function isRetryable(status: number | undefined): boolean {
  if (status === undefined || status === -1) return true;
  return status >= 500 || status === 404 || status === 408 || status === 409 || status === 429;
}

export interface DeliveryFailure {
  /** The HTTP status of the last attempt; none for a network error or timeout. */
  status?: number;
  /** The URL that failed. */
  destination: string;
  /** The response body of the last attempt. */
  body?: Buffer;
  message?: string;
}

/** The most `knativeerrordata` may hold (pkg/kncloudevents/attributes: KnativeErrorDataExtensionMaxLength). */
export const KNATIVE_ERROR_DATA_MAX_LENGTH = 1024;
/** The most body bytes whose base64 fits in KNATIVE_ERROR_DATA_MAX_LENGTH characters. */
export const KNATIVE_ERROR_DATA_MAX_BYTES = (KNATIVE_ERROR_DATA_MAX_LENGTH / 4) * 3;

/**
 * A copy of `event` for the dead-letter sink, with Knative's error extensions
 * (kncloudevents dispatchExecutionInfoTransformers):
 * - `knativeerrordest`: the URL that failed;
 * - `knativeerrorcode`: its status as a string; a network error counts as 500, as in Knative;
 * - `knativeerrordata`: the response body in base64, at most 1024 characters - that is, the first
 *   768 bytes of the body (Knative caps the encoded text, not the body). A network error without a
 *   body carries `dispatch error: <message>`, as in Knative; an empty body gives "".
 */
export function deadLetterEvent(event: CloudEvent, failure: DeliveryFailure): CloudEvent {
  const status = failure.status ?? 500;
  let body: Uint8Array | undefined = failure.body;
  if (body === undefined && failure.status === undefined) body = Buffer.from(`dispatch error: ${failure.message ?? 'no response'}`, 'utf8');
  const bytes = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return withExtensions(event, {
    knativeerrordest: failure.destination,
    knativeerrorcode: String(status),
    knativeerrordata: bytes.subarray(0, KNATIVE_ERROR_DATA_MAX_BYTES).toString('base64'),
  });
}

/** A dead letter as it was first sent, to send again: without the knativeerror* extensions deadLetterEvent added. */
export function withoutDeadLetterExtensions(event: CloudEvent): CloudEvent {
  const extensions = Object.fromEntries(Object.entries(event.extensions).filter(([name]) => !name.startsWith('knativeerror')));
  return { ...event, extensions };
}
