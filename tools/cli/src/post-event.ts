import type { CloudEvent } from '@seldon-eventing/cloudevents';
import { CliError, EXIT, networkReason } from './exit-codes';
import { encodeEvent, type SendMode } from './event-input';

export interface PostOptions {
  mode: SendMode;
  /** Sent as `Authorization: Bearer <token>` (the broker's and ingress-adapter's INGRESS_AUTH_TOKEN or a JWT). */
  token?: string;
  timeoutMs?: number;
}

export interface PostAnswer {
  status: number;
  body: string;
}

/**
 * POSTs one event to a broker, the ingress-adapter or any CloudEvents receiver. Any answer is
 * returned, 2xx or not; only an unreachable target throws (exit code `unreachable`).
 */
export async function postEvent(url: string, event: CloudEvent, options: PostOptions): Promise<PostAnswer> {
  const { headers, body } = encodeEvent(event, options.mode);
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  try {
    const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    throw new CliError(`cannot reach ${url}: ${networkReason(err)}`, EXIT.unreachable);
  }
}

/** Whether the receiver took the event. */
export const accepted = (answer: PostAnswer) => answer.status >= 200 && answer.status <= 299;
