import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { createEvent, parseKafka, toKafkaBinary, type CloudEvent } from '@seldon-eventing/cloudevents';
import { inSpan, ingressSpan } from './spans';
import { contextFromEvent, incomingContext, traceHeaders, withTraceContext } from './trace-context';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const HEADER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const traceparent = (traceId: string, spanId: string) => `00-${traceId}-${spanId}-01`;

function spanOf(ctx = context.active()) {
  return trace.getSpanContext(ctx);
}

function eventWith(extensions: Record<string, string> = {}): CloudEvent {
  return createEvent({ id: 'e1', source: 'test', type: 'seldon.iris.default.request', extensions });
}

describe('trace context propagation', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(contextManager.enable()));
  afterAll(() => {
    contextManager.disable();
    context.disable();
  });

  describe('what an incoming event continues', () => {
    const event = eventWith({ traceparent: traceparent(TRACE, '00f067aa0ba902b7'), tracestate: 'vendor=ext' });

    it('takes the HTTP traceparent over the event extension (the hop context wins, as the extension spec says)', () => {
      const ctx = incomingContext({ traceparent: traceparent(HEADER_TRACE, 'b7ad6b7169203331'), tracestate: 'vendor=http' }, event);
      expect(spanOf(ctx)).toMatchObject({ traceId: HEADER_TRACE, spanId: 'b7ad6b7169203331', isRemote: true, traceFlags: TraceFlags.SAMPLED });
      expect(spanOf(ctx)?.traceState?.get('vendor')).toBe('http');
    });

    it("falls back on the event's distributed-tracing extension when the transport carries none", () => {
      const ctx = incomingContext({ 'content-type': 'application/json' }, event);
      expect(spanOf(ctx)).toMatchObject({ traceId: TRACE, spanId: '00f067aa0ba902b7' });
      expect(spanOf(ctx)?.traceState?.get('vendor')).toBe('ext');
    });

    it('ignores a malformed traceparent header, falling back on the extension', () => {
      expect(spanOf(incomingContext({ traceparent: 'not-a-traceparent' }, event))?.traceId).toBe(TRACE);
      expect(spanOf(incomingContext({ traceparent: traceparent('0'.repeat(32), 'b7ad6b7169203331') }, event))?.traceId).toBe(TRACE);
    });

    it('reads Kafka record headers (Buffers): the record header first, then ce_traceparent', () => {
      const record = toKafkaBinary(event);
      const headers = Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(v)]));
      const parsed = parseKafka({ key: null, value: record.value, headers });
      expect(parsed.extensions.traceparent).toBe(traceparent(TRACE, '00f067aa0ba902b7'));
      expect(spanOf(incomingContext(headers, parsed))?.traceId).toBe(TRACE);
      const withHeader = { ...headers, traceparent: Buffer.from(traceparent(HEADER_TRACE, 'b7ad6b7169203331')) };
      expect(spanOf(incomingContext(withHeader, parsed))?.traceId).toBe(HEADER_TRACE);
    });

    it('continues nothing when neither carries a trace', () => {
      expect(spanOf(incomingContext({}, eventWith()))).toBeUndefined();
      expect(contextFromEvent(eventWith({ traceparent: 'garbage' }))).toBe(ROOT_CONTEXT);
    });
  });

  describe('what an emitted event and request carry', () => {
    const parent = incomingContext({ traceparent: traceparent(TRACE, '00f067aa0ba902b7'), tracestate: 'vendor=x' }, undefined);

    it('writes traceparent and tracestate headers for the context', () => {
      expect(traceHeaders(parent)).toEqual({ traceparent: traceparent(TRACE, '00f067aa0ba902b7'), tracestate: 'vendor=x' });
      expect(traceHeaders(ROOT_CONTEXT)).toEqual({});
    });

    it('puts the context on an event that has no extension, and leaves the one an event has', () => {
      expect(withTraceContext(eventWith(), parent).extensions).toEqual({ traceparent: traceparent(TRACE, '00f067aa0ba902b7'), tracestate: 'vendor=x' });
      const own = eventWith({ traceparent: traceparent(HEADER_TRACE, 'b7ad6b7169203331') });
      expect(withTraceContext(own, parent)).toBe(own);
      const none = eventWith();
      expect(withTraceContext(none, ROOT_CONTEXT)).toBe(none);
    });

    it('without an SDK, passes the incoming traceparent on unchanged through a span and what awaits in it', async () => {
      // No tracer provider is registered here: the API's spans are non-recording and carry their parent's context.
      const reply = await inSpan(ingressSpan('knative', 'default/default', eventWith()), parent, async () => {
        await new Promise((resolve) => setImmediate(resolve));
        return withTraceContext(eventWith());
      });
      expect(reply.extensions.traceparent).toBe(traceparent(TRACE, '00f067aa0ba902b7'));
      expect(reply.extensions.tracestate).toBe('vendor=x');
    });

    it('ends the span and passes the error on when the work fails', async () => {
      await expect(inSpan(ingressSpan('kafka', 'topic', eventWith()), parent, async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
      expect(spanOf()).toBeUndefined();
    });
  });
});
