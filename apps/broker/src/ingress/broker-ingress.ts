import { CloudEventValidationError, httpMode, parseHttp, type CloudEvent, type HttpHeaders } from '@seldon-eventing/cloudevents';
import type { EventingConfig } from '@seldon-eventing/eventing';
import { context, type Context } from '@opentelemetry/api';
import { eventFields, incomingContext, ingressSpan, inSpan, withTraceContext, type BrokerRef, type Log } from '@seldon-eventing/transport';
import { Dispatcher, type DispatcherOptions } from '../dispatch/dispatcher';
import type { Route } from '../dispatch/routes';
import { DEFAULT_TTL, setTtl, ttlOf } from '../dispatch/ttl';
import type { EventLog } from '../log/event-log';
import type { PendingEvent } from '../log/replay';

export interface IngressResult {
  status: number;
  error?: string;
}

/**
 * Knative's broker ingress: what `POST /<namespace>/<broker>` does with a request.
 *
 * 1. The broker must exist (404).
 * 2. The body must be one valid CloudEvent, binary or structured mode (400 with the reason);
 *    its specversion is kept as it came.
 * 3. Loop guard: an event arriving with its TTL spent is dropped; one without a TTL gets 255.
 * 4. Stamp `knativearrivaltime` and match the broker's Triggers; 429 when one of them is full.
 * 5. With the event log on, append the event and sync it (503 if that fails).
 * 6. Hand it to the dispatcher; 202.
 * Steps 3 on run in a span continuing the request's `traceparent` header (else the event's
 * distributed-tracing extension); an event without the extension gets this span's, and each
 * Trigger's delivery is the span's child.
 */
export class BrokerIngress {
  private readonly dispatcher: Dispatcher;

  constructor(
    private readonly config: EventingConfig,
    routes: Map<string, Route[]>,
    options: DispatcherOptions,
    private readonly log: Log,
    private readonly eventLog?: EventLog,
  ) {
    this.dispatcher = new Dispatcher(routes, options, (brokerKey, event) => this.reingest(brokerKey, event), log);
  }

  /** The Triggers it delivers to, on all its brokers. */
  get triggerCount(): number {
    return this.dispatcher.triggerCount;
  }

  async accept(broker: BrokerRef, headers: HttpHeaders, body: Buffer): Promise<IngressResult> {
    if (!this.config.hasBroker(broker.namespace, broker.name)) {
      return { status: 404, error: `broker ${broker.namespace}/${broker.name} does not exist` };
    }
    let event: CloudEvent;
    try {
      if (httpMode(headers) === 'batch') {
        throw new CloudEventValidationError(undefined, 'batch mode is not accepted by a broker ingress; send one event per request');
      }
      [event] = parseHttp({ headers, body });
    } catch (err) {
      if (err instanceof CloudEventValidationError) return { status: 400, error: err.message };
      throw err;
    }
    const brokerKey = `${broker.namespace}/${broker.name}`;
    return inSpan(ingressSpan('knative', brokerKey, event), incomingContext(headers, event), async (span) => {
      const result = await this.admit(brokerKey, event);
      if (span.isRecording()) span.setAttribute('http.response.status_code', result.status);
      return result;
    });
  }

  private async admit(brokerKey: string, event: CloudEvent): Promise<IngressResult> {
    const ttl = ttlOf(event);
    if (ttl !== undefined && ttl <= 0) {
      this.log.warn(`event ${event.id} dropped: knativebrokerttl is ${ttl}`, eventFields(event));
      return { status: 202 };
    }
    if (ttl === undefined) setTtl(event, DEFAULT_TTL);
    const stamped = withTraceContext(stampArrival(event));
    const routes = this.dispatcher.match(brokerKey, stamped);
    if (!this.dispatcher.hasRoom(routes)) {
      return { status: 429, error: 'a subscriber of this event is saturated; retry later' };
    }
    try {
      await this.dispatch(brokerKey, stamped, routes, context.active());
    } catch (err) {
      this.log.error(`event ${event.id} refused: the event log could not write it: ${(err as Error).message}`, eventFields(event));
      return { status: 503, error: 'the broker could not persist the event; retry later' };
    }
    return { status: 202 };
  }

  /** Queues what the event log held outstanding at start, in the order it was accepted. */
  replay(pending: PendingEvent[]): void {
    const eventLog = this.eventLog;
    if (!eventLog || pending.length === 0) return;
    let deliveries = 0;
    for (const entry of pending) {
      for (const index of entry.pending) {
        const route = this.dispatcher.route(entry.triggers[index]);
        const settled = () => eventLog.complete(entry, index);
        if (!route) {
          this.log.warn(`event ${entry.event.id} not replayed to trigger ${entry.triggers[index]}: it is no longer configured`, eventFields(entry.event, entry.triggers[index]));
          settled();
          continue;
        }
        this.dispatcher.enqueue(route, entry.event, settled);
        deliveries++;
      }
    }
    this.log.log(`replaying ${pending.length} event(s) from the event log: ${deliveries} delivery(ies)`);
  }

  /**
   * Stops dispatching for shutdown, within `timeoutMs`. With the event log on, only attempts in
   * flight are waited for, since whatever is left is replayed at the next start; without it,
   * queued deliveries go on until the time is up.
   */
  async drain(timeoutMs: number): Promise<void> {
    const { unfinished } = await this.dispatcher.drain(timeoutMs, !this.eventLog);
    if (unfinished === 0) return;
    const fate = this.eventLog ? 'they are replayed at the next start' : 'they are lost (BROKER_LOG_DIR is not set)';
    this.log.warn(`${unfinished} delivery(ies) unfinished at shutdown: ${fate}`);
  }

  /** Writes the event log's last acknowledgements and closes it. */
  async close(): Promise<void> {
    await this.eventLog?.close();
  }

  /**
   * Replies re-enter here: already accepted data, so they are never refused for room. They come
   * within the delivery's span (Knative's filter posts them to the ingress with its own
   * `traceparent`), which their deliveries continue.
   */
  private reingest(brokerKey: string, event: CloudEvent): Promise<void> {
    const stamped = withTraceContext(stampArrival(event));
    return this.dispatch(brokerKey, stamped, this.dispatcher.match(brokerKey, stamped), context.active(), true);
  }

  /**
   * Queues the event for each matching Trigger, logged first when the event log is on. A new
   * event is queued only once it is on disk: one the broker then refuses (503) must not be
   * delivered. A reply (`reply`) is queued at once, while it is written: the delivery that
   * produced it is acknowledged only after this resolves, so a crash before the write replays
   * that delivery, whose subscriber replies again (at least once, as before); and each event's
   * path waits for one sync instead of three (docs/performance.md, "The durable broker log").
   */
  private async dispatch(brokerKey: string, event: CloudEvent, routes: Route[], trace: Context, reply = false): Promise<void> {
    if (!this.eventLog || routes.length === 0) {
      for (const route of routes) this.dispatcher.enqueue(route, event, undefined, trace);
      return;
    }
    const eventLog = this.eventLog;
    const { entry, written } = eventLog.begin(brokerKey, event, routes.map((route) => route.compiled.key));
    if (!reply) await written;
    // A reply's delivery acknowledged before the reply is on disk would be lost to the replay.
    const acknowledge = reply
      ? (index: number) => void written.then(() => eventLog.complete(entry, index), () => undefined)
      : (index: number) => eventLog.complete(entry, index);
    routes.forEach((route, index) => this.dispatcher.enqueue(route, event, () => acknowledge(index), trace));
    if (reply) await written;
  }
}

let arrivalMs = 0;
let arrivalTime = '';

/**
 * Knative's ingress stamps when the broker took the event. In place: the event was parsed for
 * this request (or from a subscriber's reply) and nothing else holds it yet; a copy per stamp was
 * 3% of the broker's CPU. The time string is made once per millisecond.
 */
function stampArrival(event: CloudEvent): CloudEvent {
  const now = Date.now();
  if (now !== arrivalMs) {
    arrivalMs = now;
    arrivalTime = new Date(now).toISOString();
  }
  event.extensions['knativearrivaltime'] = arrivalTime;
  return event;
}
