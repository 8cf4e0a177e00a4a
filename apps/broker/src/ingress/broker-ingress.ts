import { Logger } from '@nestjs/common';
import { CloudEventValidationError, httpMode, parseHttp, withExtensions, type CloudEvent, type HttpHeaders } from '@seldon-eventing/cloudevents';
import type { EventingConfig } from '@seldon-eventing/eventing';
import type { BrokerRef } from '@seldon-eventing/transport';
import { Dispatcher, type DispatcherOptions } from '../dispatch/dispatcher';
import type { Route } from '../dispatch/routes';
import { DEFAULT_TTL, ttlOf, withTtl } from '../dispatch/ttl';

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
 * 4. Stamp `knativearrivaltime`.
 * 5. Hand it to the dispatcher; 202 once queued, 429 when a matching Trigger is full.
 */
export class BrokerIngress {
  private readonly log = new Logger('Ingress');
  private readonly dispatcher: Dispatcher;

  constructor(
    private readonly config: EventingConfig,
    routes: Map<string, Route[]>,
    options: DispatcherOptions,
  ) {
    this.dispatcher = new Dispatcher(routes, options, (brokerKey, event) => this.reingest(brokerKey, event));
  }

  accept(broker: BrokerRef, headers: HttpHeaders, body: Buffer): IngressResult {
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
    const ttl = ttlOf(event);
    if (ttl !== undefined && ttl <= 0) {
      this.log.warn(`event ${event.id} dropped: knativebrokerttl is ${ttl}`);
      return { status: 202 };
    }
    const stamped = stamp(ttl === undefined ? withTtl(event, DEFAULT_TTL) : event);
    if (!this.dispatcher.dispatch(`${broker.namespace}/${broker.name}`, stamped, true)) {
      return { status: 429, error: 'a subscriber of this event is saturated; retry later' };
    }
    return { status: 202 };
  }

  /** Stops dispatching: waits for queued deliveries, abandoning retry waits. */
  drain(): Promise<void> {
    return this.dispatcher.drain();
  }

  /** Replies re-enter here: already accepted data, so they are never refused. */
  reingest(brokerKey: string, event: CloudEvent): void {
    this.dispatcher.dispatch(brokerKey, stamp(event), false);
  }
}

function stamp(event: CloudEvent): CloudEvent {
  return withExtensions(event, { knativearrivaltime: new Date().toISOString() });
}
