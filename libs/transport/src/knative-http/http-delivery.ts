import { CloudEventValidationError, httpMode, parseHttp, toHttpBinary, type CloudEvent } from '@seldon-eventing/cloudevents';
import { isRetryable } from '@seldon-eventing/eventing';
import type { AttemptOutcome } from '../delivery/attempt';
import { traceHeaders } from '../tracing/trace-context';
import { httpPost, HttpTimeoutError } from './http-client';

export interface HttpDeliveryOptions {
  timeoutMs?: number;
  /** Sent as Kn-Namespace, the namespace of the Trigger (Knative's filter does the same). */
  namespace?: string;
  headers?: Record<string, string>;
}

/**
 * One Knative delivery attempt: the event in binary mode with `Prefer: reply`, and the active
 * span's `traceparent` (the delivery's, so the subscriber's span is its child).
 *
 * 1. 2xx with a CloudEvent in the body (binary or structured): delivered, with that reply.
 * 2. 2xx with an empty body: delivered.
 * 3. 2xx with any other body: a failure, as in Knative (the subscriber meant to reply and did not).
 * 4. Anything else: a failure, retryable per Knative's codes (network errors, 5xx, 404, 408, 409, 429).
 */
export async function deliverOverHttp(url: URL, event: CloudEvent, options: HttpDeliveryOptions = {}): Promise<AttemptOutcome> {
  const message = toHttpBinary(event);
  const headers: Record<string, string> = { ...options.headers, ...message.headers, ...traceHeaders(), prefer: 'reply' };
  if (options.namespace) headers['kn-namespace'] = options.namespace;
  const destination = url.href;
  let response;
  try {
    response = await httpPost(url, headers, message.body, options.timeoutMs);
  } catch (err) {
    const timedOut = err instanceof HttpTimeoutError;
    return { ok: false, retryable: true, failure: { destination, status: timedOut ? 408 : undefined, message: (err as Error).message } };
  }
  const { status, body } = response;
  if (status < 200 || status > 299) {
    return { ok: false, retryable: isRetryable(status), failure: { destination, status, body, message: `subscriber answered ${status}` } };
  }
  if (httpMode(response.headers)) {
    try {
      const [reply] = parseHttp({ headers: response.headers, body });
      if (reply) return { ok: true, reply, status };
    } catch (err) {
      if (!(err instanceof CloudEventValidationError)) throw err;
      return { ok: false, retryable: false, failure: { destination, status, body, message: `invalid reply event: ${err.message}` } };
    }
  }
  if (body.length === 0) return { ok: true, status };
  return { ok: false, retryable: false, failure: { destination, status, body, message: 'subscriber replied with a body that is not a CloudEvent' } };
}
