import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { CloudEventValidationError, parseHttp, toHttpBinary, type CloudEvent } from '@seldon-eventing/cloudevents';
import type { CompiledTrigger } from '@seldon-eventing/eventing';
import type { DeliveryHandler } from '../bus';
import { DeliveryError } from '../errors';
import type { EventOverrides } from '../overrides';
import { failSpan, inSpan, processSpan } from '../tracing/spans';
import { incomingContext, withTraceContext } from '../tracing/trace-context';

/** A delivery as the HTTP server hands it over: the body already read in full. */
export interface DeliveryRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

// Knative's filter addresses a subscriber per trigger as /triggers/<namespace>/<name>.
const TRIGGER_PATH = /^\/triggers\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)\/?$/;

export function isDeliveryPath(path: string): boolean {
  return path === '/' || TRIGGER_PATH.test(path);
}

/**
 * Receives Knative deliveries: a broker POSTs one event per request, at `/` or at
 * `/triggers/<namespace>/<trigger>`.
 *
 * 1. Refuse anything but POST (405), and deliveries while not listening or draining (503: the
 *    broker retries elsewhere or later).
 * 2. Parse and validate the event (400 with the reason if it is not one).
 * 3. Hand it to the handler with the Trigger named by the path, if any, in a span continuing the
 *    request's `traceparent` (else the event's extension).
 * 4. Answer 200 with the reply event in binary mode (carrying the span's trace, see
 *    withTraceContext), 202 without one, or the DeliveryError's status
 *    with its body when it has one (so the broker's dead letter carries it, as on kafka), else
 *    its reason as JSON.
 */
export class DeliveryReceiver {
  private handler?: DeliveryHandler;
  private triggers = new Map<string, CompiledTrigger>();
  private draining = false;
  private inFlight = 0;
  private idle?: () => void;

  constructor(private readonly overrides: EventOverrides) {}

  attach(triggers: CompiledTrigger[], handler: DeliveryHandler): void {
    this.triggers = new Map(triggers.map((t) => [t.key, t]));
    this.handler = handler;
  }

  /** Stops taking deliveries and resolves once those in flight have been answered. */
  drain(): Promise<void> {
    this.draining = true;
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => (this.idle = resolve));
  }

  readonly handle = (req: DeliveryRequest, res: ServerResponse): void => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return answer(res, 405, { error: `method ${req.method} is not allowed; deliveries are POSTed`, status: 405 });
    }
    if (!this.handler || this.draining) {
      return answer(res, 503, { error: this.draining ? 'shutting down' : 'not ready for deliveries yet', status: 503 });
    }
    this.inFlight++;
    void this.process(req, res, this.handler).finally(() => {
      if (--this.inFlight === 0 && this.idle) this.idle();
    });
  };

  private async process(req: DeliveryRequest, res: ServerResponse, handler: DeliveryHandler): Promise<void> {
    let event: CloudEvent;
    try {
      const events = parseHttp({ headers: req.headers, body: req.body });
      if (events.length !== 1) throw new CloudEventValidationError(undefined, 'a delivery carries exactly one event');
      event = events[0];
    } catch (err) {
      if (err instanceof CloudEventValidationError) return answer(res, 400, { error: err.message, status: 400 });
      return answer(res, 400, { error: `unreadable request: ${(err as Error).message}`, status: 400 });
    }
    const match = TRIGGER_PATH.exec(req.path);
    const trigger = match ? this.triggers.get(`${match[1]}/${match[3]}`) : undefined;
    if (match && !trigger) {
      return answer(res, 404, { error: `no trigger ${match[1]}/${match[3]} is served here`, status: 404 });
    }
    const span = processSpan(trigger?.key, req.path, event);
    await inSpan(span, incomingContext(req.headers, event), async (active) => {
      const status = await this.answerDelivery(res, handler, event, trigger);
      if (!active.isRecording()) return;
      active.setAttribute('http.response.status_code', status);
      // HTTP server conventions: a 5xx is the server's failure, a 4xx the client's.
      if (status >= 500) failSpan(active, new Error(`answered ${status}`), String(status));
    });
  }

  /** Runs the handler and answers; resolves to the status answered. */
  private async answerDelivery(res: ServerResponse, handler: DeliveryHandler, event: CloudEvent, trigger: CompiledTrigger | undefined): Promise<number> {
    try {
      const reply = await handler(event, { trigger, attempt: 1 });
      if (!reply) {
        res.writeHead(202).end();
        return 202;
      }
      const message = toHttpBinary(this.overrides(withTraceContext(reply)));
      // With its length known, the reply goes out in one write, without chunked framing.
      res.writeHead(200, { ...message.headers, 'content-length': message.body?.length ?? 0 }).end(message.body);
      return 200;
    } catch (err) {
      if (err instanceof DeliveryError) {
        if (!err.body) answer(res, err.status, { error: err.message, status: err.status });
        else if (!res.headersSent) {
          const type = err.contentType ?? 'application/octet-stream';
          res.writeHead(err.status, { 'content-type': type, 'content-length': err.body.length }).end(err.body);
        }
        return err.status;
      }
      // Nest reports handler bugs as plain { message } objects, not Errors.
      const reason = (err as { message?: string })?.message ?? String(err);
      answer(res, 500, { error: `delivery handler failed: ${reason}`, status: 500 });
      return 500;
    }
  }
}

function answer(res: ServerResponse, status: number, body: object): void {
  if (res.headersSent) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) }).end(json);
}
