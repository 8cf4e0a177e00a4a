import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import { brokerKey, type BrokerRef } from '../bus';
import { brokerTopic } from '../kafka/naming';

/**
 * The transport's spans, named and attributed after OpenTelemetry's semantic conventions for
 * messaging (`<operation> <destination>`, `messaging.*`), CloudEvents (`cloudevents.*`) and
 * HTTP (`http.*`, `url.*`). Without an SDK the API hands out non-recording spans that carry their
 * parent's context unchanged, so every helper here costs next to nothing then, and attributes
 * are only computed for spans that record.
 */
const tracer = trace.getTracer('@seldon-eventing/transport');

/** `messaging.system`: the backend carrying the event. */
export type MessagingSystem = 'knative' | 'kafka';

export interface SpanSpec {
  name: string;
  kind: SpanKind;
  /** Computed only when the span records. */
  attributes: () => Attributes;
}

/** The event's attributes on a span (OpenTelemetry's CloudEvents conventions). */
function eventAttributes(event: CloudEvent): Attributes {
  const attributes: Attributes = {
    'cloudevents.event_id': event.id,
    'cloudevents.event_type': event.type,
    'cloudevents.event_source': event.source,
    'cloudevents.event_spec_version': event.specversion,
  };
  if (event.subject !== undefined) attributes['cloudevents.event_subject'] = event.subject;
  return attributes;
}

/** The broker as messaging conventions name a destination: the topic on kafka, `<namespace>/<name>` on knative. */
export function brokerDestination(system: MessagingSystem, broker: BrokerRef): string {
  return system === 'kafka' ? brokerTopic(broker) : brokerKey(broker);
}

/** An ingress taking an event in for a broker (the broker's ingress, the ingress-adapter). */
export function ingressSpan(system: MessagingSystem, destination: string, event: CloudEvent): SpanSpec {
  return {
    name: `receive ${destination}`,
    kind: SpanKind.SERVER,
    attributes: () => ({
      'messaging.system': system,
      'messaging.operation.type': 'receive',
      'messaging.operation.name': 'receive',
      'messaging.destination.name': destination,
      'http.request.method': 'POST',
      ...eventAttributes(event),
    }),
  };
}

/** One event delivered for one Trigger by the delivery engine, retries, reply and dead letter included. */
export function deliverySpan(system: MessagingSystem, destination: string, trigger: string, event: CloudEvent): SpanSpec {
  return {
    name: `deliver ${trigger}`,
    kind: SpanKind.CONSUMER,
    attributes: () => ({
      'messaging.system': system,
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'deliver',
      'messaging.destination.name': destination,
      'messaging.destination.subscription.name': trigger,
      ...eventAttributes(event),
    }),
  };
}

/**
 * A subscriber handling a delivery pushed to it over HTTP (knative): `process <trigger>` when the
 * path names the Trigger (`/triggers/<namespace>/<name>`), plain `process` for a delivery to `/`,
 * which does not say which Trigger sent it.
 */
export function processSpan(trigger: string | undefined, path: string, event: CloudEvent): SpanSpec {
  return {
    name: trigger ? `process ${trigger}` : 'process',
    kind: SpanKind.SERVER,
    attributes: () => ({
      'messaging.system': 'knative',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      ...(trigger ? { 'messaging.destination.subscription.name': trigger } : {}),
      'http.request.method': 'POST',
      'url.path': path,
      ...eventAttributes(event),
    }),
  };
}

/** An HTTP request this service sends (HTTP client conventions: the span is named by the method). */
export function httpClientSpan(method: string, url: URL, attributes: Attributes = {}): SpanSpec {
  return {
    name: method,
    kind: SpanKind.CLIENT,
    attributes: () => ({
      'http.request.method': method,
      'url.full': url.href,
      'server.address': url.hostname,
      'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      ...attributes,
    }),
  };
}

/** An HTTP request this service answers (HTTP server conventions: `<method> <route>`). */
export function httpServerSpan(method: string, route: string, attributes: Attributes = {}): SpanSpec {
  return {
    name: `${method} ${route}`,
    kind: SpanKind.SERVER,
    attributes: () => ({ 'http.request.method': method, 'http.route': route, ...attributes }),
  };
}

/**
 * Runs `work` in a new span, child of `parent`, with the span active (so what it sends carries
 * it); ends the span when the work settles, marking it failed when the work throws.
 */
export async function inSpan<T>(spec: SpanSpec, parent: Context, work: (span: Span) => Promise<T> | T): Promise<T> {
  const span = tracer.startSpan(spec.name, { kind: spec.kind }, parent);
  if (span.isRecording()) span.setAttributes(spec.attributes());
  try {
    return await context.with(trace.setSpan(parent, span), work, undefined, span);
  } catch (err) {
    failSpan(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/** Marks a span failed with the error (OpenTelemetry's `error.type` and an exception event). */
export function failSpan(span: Span, err: unknown, type?: string): void {
  if (!span.isRecording()) return;
  const message = (err as { message?: string })?.message ?? String(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.setAttribute('error.type', type ?? (err as Error)?.name ?? 'Error');
  if (err instanceof Error) span.recordException(err);
}
