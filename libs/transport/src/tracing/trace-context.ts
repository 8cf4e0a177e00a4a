import { context, ROOT_CONTEXT, trace, type Context, type TextMapGetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { withExtensions, type CloudEvent } from '@seldon-eventing/cloudevents';

/**
 * W3C Trace Context, read and written in the three places an event carries it:
 * - HTTP `traceparent` / `tracestate` headers (the hop's context);
 * - Kafka record headers of the same names (the hop's context on kafka, as OpenTelemetry's Kafka
 *   instrumentations write them);
 * - the CloudEvents distributed-tracing extension, `traceparent` / `tracestate` attributes
 *   (binary `Ce-Traceparent`, structured `traceparent`, Kafka `ce_traceparent`), which the codecs
 *   pass through like any extension.
 *
 * The propagator is used directly, not through the global one, so that propagation works the
 * same whether or not an OpenTelemetry SDK is set up in the process.
 */
const propagator = new W3CTraceContextPropagator();

const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';

/** Headers as node:http, undici and kafkajs give them: strings, string lists or Buffers. */
export type CarrierHeaders = Record<string, string | Buffer | (string | Buffer)[] | undefined | null>;

const headerGetter: TextMapGetter<CarrierHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const value = carrier[key] ?? carrier[key.toLowerCase()];
    if (value === undefined || value === null) return undefined;
    if (Array.isArray(value)) return value.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
    return Buffer.isBuffer(value) ? value.toString('utf8') : value;
  },
};

function hasValidSpan(ctx: Context): boolean {
  const span = trace.getSpanContext(ctx);
  return span !== undefined && trace.isSpanContextValid(span);
}

/** The trace context of HTTP headers or Kafka record headers; the root context when they carry none valid. */
export function contextFromHeaders(headers: CarrierHeaders | undefined): Context {
  if (!headers) return ROOT_CONTEXT;
  return propagator.extract(ROOT_CONTEXT, headers, headerGetter);
}

/** The trace context of an event's distributed-tracing extension; the root context when it has none valid. */
export function contextFromEvent(event: CloudEvent): Context {
  const { extensions } = event;
  if (extensions[TRACEPARENT] === undefined) return ROOT_CONTEXT;
  return propagator.extract(ROOT_CONTEXT, { [TRACEPARENT]: extensions[TRACEPARENT], [TRACESTATE]: extensions[TRACESTATE] }, headerGetter);
}

/**
 * The context a hop continues. The transport's headers win over the event's extension, per the
 * CloudEvents distributed-tracing extension: the extension carries the trace of the event's
 * creation (the "starting trace"), left as it is by every hop, while the protocol's headers
 * carry the hop-to-hop context; the extension is the fallback when the transport carried none
 * (a client that sent only `Ce-Traceparent`, a Kafka record with only `ce_traceparent`).
 */
export function incomingContext(headers: CarrierHeaders | undefined, event: CloudEvent | undefined): Context {
  const fromHeaders = contextFromHeaders(headers);
  if (hasValidSpan(fromHeaders) || !event) return fromHeaders;
  return contextFromEvent(event);
}

/** `traceparent` (and `tracestate`) for an outgoing request or record; empty when the context has no valid span. */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const headers: Record<string, string> = {};
  propagator.inject(ctx, headers, { set: (carrier, key, value) => (carrier[key] = value) });
  return headers;
}

/**
 * The event with the distributed-tracing extension of `ctx` (by default the active span), when it
 * has none yet. An extension already there is left alone: it names the trace the event was
 * created in, which no later hop may change (OpenTelemetry's CloudEvents conventions: "if the
 * event already has it, it MUST NOT be modified").
 */
export function withTraceContext(event: CloudEvent, ctx: Context = context.active()): CloudEvent {
  if (event.extensions[TRACEPARENT] !== undefined) return event;
  const headers = traceHeaders(ctx);
  if (!headers[TRACEPARENT]) return event;
  return withExtensions(event, { [TRACEPARENT]: headers[TRACEPARENT], [TRACESTATE]: headers[TRACESTATE] });
}
