import { toHttpBinary, type CloudEvent } from '@seldon-eventing/cloudevents';
import type { Bus } from '@seldon-eventing/transport';

/** How the console sends an event: onto the bus as any service publishes, or through the ingress-adapter's front door. */
export const SEND_ROUTES = ['broker', 'ingress'] as const;
export type SendRoute = (typeof SEND_ROUTES)[number];

/** Why an event could not be sent: the broker, Kafka or the ingress-adapter refused it or did not answer. */
export class SendFailed extends Error {}

/**
 * Sends the console's events. `broker`: published on event-display's own bus (the broker ingress,
 * K_SINK, on knative; the broker topic on kafka). `ingress`: POSTed in binary mode to the
 * ingress-adapter's CloudEvents entry (`POST /`), which validates it against the deployment's
 * payload as it does every client's.
 */
export class ConsoleSender {
  constructor(
    private readonly bus: Bus,
    private readonly ingress: URL,
    private readonly token?: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async send(event: CloudEvent, via: SendRoute): Promise<void> {
    if (via === 'broker') {
      try {
        await this.bus.publish(event);
      } catch (err) {
        throw new SendFailed(`the broker did not take the event: ${(err as Error).message}`);
      }
      return;
    }
    const message = toHttpBinary(event);
    let res: Response;
    try {
      res = await fetch(new URL('/', this.ingress), {
        method: 'POST',
        headers: { ...message.headers, ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
        body: message.body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new SendFailed(`the ingress-adapter at ${this.ingress.origin} did not answer: ${cause ?? (err as Error).message}`);
    }
    const text = await res.text();
    if (res.status !== 202) throw new SendFailed(`the ingress-adapter answered ${res.status}: ${text.slice(0, 500)}`);
  }
}
