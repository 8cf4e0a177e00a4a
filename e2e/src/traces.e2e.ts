import { randomBytes } from 'node:crypto';
import { BACKENDS, PORT_OFFSET, post, SEED_PAYLOAD, seedHeaders, startFlow, waitForDisplayed, type Backend, type Flow } from './support/flow';
import { SPAN_KIND, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { waitFor } from './support/wait';

const REQUEST = 'seldon.iris-deployment.default.request';
const RESPONSE = 'seldon.iris-deployment.default.response';
const PREDICTOR_TRIGGER = 'default/seldon-eventing-sklearn-trigger';
const PUBLISHER_TRIGGER = 'default/seldon-response-publisher';
const DISPLAY_TRIGGER = 'default/event-display';

/** In this checkout's band of ports, clear of the flows' own (base + 80..90) and of the other suites'. */
const RECEIVER_PORT: Record<Backend, number> = { knative: 18490 + PORT_OFFSET, kafka: 28490 + PORT_OFFSET };

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * One seed request with a W3C `traceparent` is one trace, exported by every service over
 * OTLP/HTTP: the ingress (the broker on knative, the ingress-adapter on kafka), the
 * predictor-router and its call to the predictor (which continues it too), the
 * response-publisher and event-display, each the child of the hop that handed it the event; and
 * the response event carries the trace in its distributed-tracing extension.
 */
describe.each(BACKENDS)('traces on the %s backend', (backend) => {
  let flow: Flow;
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await startOtlpReceiver(RECEIVER_PORT[backend]);
    // A short export delay keeps the wait short; the services' default is OpenTelemetry's 5 s.
    flow = await startFlow(backend, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' });
  });

  afterAll(async () => {
    await flow?.stop();
    await receiver?.close();
  });

  /** Sends one seed request with these trace headers; resolves to the response event that came of it. */
  async function sendTraced(traceId: string, headers: Record<string, string>): Promise<Record<string, any>> {
    const sent = await post(`${flow.entry}/`, seedHeaders(headers), SEED_PAYLOAD);
    expect(sent.status).toBe(202);
    const events = await waitForDisplayed(flow, (all) => all.some((e) => e.type === RESPONSE && String(e.traceparent).includes(traceId)));
    return events.find((e) => e.type === RESPONSE && String(e.traceparent).includes(traceId)) as Record<string, any>;
  }

  /** The trace's spans, once every service's span of the flow was exported. */
  async function traceOf(traceId: string): Promise<ReceivedSpan[]> {
    const spans = () => receiver.spans.filter((s) => s.traceId === traceId);
    await waitFor(() => spans().some((s) => s.service === 'event-display') && spans().some((s) => s.service === 'model-server'), {
      what: () => `the spans of trace ${traceId}; received ${JSON.stringify(spans().map((s) => [s.service, s.name]))}, refused ${receiver.refused}`,
      intervalMs: 100,
    });
    return spans();
  }

  /** The one span of the trace with this service and name (and event type, when several events cross it). */
  function only(spans: ReceivedSpan[], service: string, name: string, type?: string): ReceivedSpan {
    const found = spans.filter((s) => s.service === service && s.name === name && (!type || s.attributes['cloudevents.event_type'] === type));
    // The trace's spans are listed when the one looked for is not there exactly once.
    const seen = found.length === 1 ? {} : { seen: spans.map((s) => `${s.service}: ${s.name}`) };
    expect({ service, name, type, count: found.length, ...seen }).toEqual({ service, name, type, count: 1 });
    return found[0];
  }

  /**
   * The span a service handling a Trigger's delivery makes: consumed in-process on kafka; pushed
   * over HTTP on knative, where only the predictor-router is addressed per Trigger
   * (`/triggers/<namespace>/<name>`), the other subscribers at `/`.
   */
  const handling = (trigger: string) => {
    if (backend === 'kafka') return `deliver ${trigger}`;
    return trigger === PREDICTOR_TRIGGER ? `process ${trigger}` : 'process';
  };
  const ingressName = backend === 'knative' ? 'receive default/default' : 'receive knative-broker-default-default';
  const ingressService = backend === 'knative' ? 'broker' : 'ingress-adapter';

  it('continues an HTTP traceparent through every hop, each span the child of the hop before', async () => {
    const traceId = hex(16);
    const clientSpan = hex(8);
    const response = await sendTraced(traceId, { traceparent: `00-${traceId}-${clientSpan}-01` });
    const spans = await traceOf(traceId);

    const ingress = only(spans, ingressService, ingressName);
    expect(ingress).toMatchObject({ parentSpanId: clientSpan, kind: SPAN_KIND.server });
    expect(ingress.attributes).toMatchObject({ 'messaging.system': backend, 'cloudevents.event_type': REQUEST });

    const router = only(spans, 'predictor-router', handling(PREDICTOR_TRIGGER));
    const call = only(spans, 'predictor-router', 'POST');
    const predictor = only(spans, 'model-server', 'POST /api/v1.0/predictions');
    const publisher = only(spans, 'response-publisher', handling(PUBLISHER_TRIGGER));
    const display = only(spans, 'event-display', handling(DISPLAY_TRIGGER));

    expect(call).toMatchObject({ parentSpanId: router.spanId, kind: SPAN_KIND.client });
    expect(call.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 200, 'seldon.deployment': 'iris-deployment' });
    expect(predictor).toMatchObject({ parentSpanId: call.spanId, kind: SPAN_KIND.server });

    if (backend === 'knative') {
      // The broker delivers each Trigger in a span of its own; replies come back inside the delivery's.
      const toRouter = only(spans, 'broker', `deliver ${PREDICTOR_TRIGGER}`);
      const toPublisher = only(spans, 'broker', `deliver ${PUBLISHER_TRIGGER}`);
      const toDisplay = only(spans, 'broker', `deliver ${DISPLAY_TRIGGER}`);
      expect(toRouter.parentSpanId).toBe(ingress.spanId);
      expect(router.parentSpanId).toBe(toRouter.spanId);
      expect(toPublisher.parentSpanId).toBe(toRouter.spanId);
      expect(publisher.parentSpanId).toBe(toPublisher.spanId);
      expect(toDisplay.parentSpanId).toBe(toPublisher.spanId);
      expect(display.parentSpanId).toBe(toDisplay.spanId);
      expect(toDisplay.attributes).toMatchObject({ 'eventing.delivery.outcome': 'delivered', 'cloudevents.event_type': RESPONSE });
    } else {
      // Each record's `traceparent` header is the span that produced it.
      expect(router.parentSpanId).toBe(ingress.spanId);
      expect(publisher.parentSpanId).toBe(router.spanId);
      expect(display.parentSpanId).toBe(publisher.spanId);
      expect(display.attributes).toMatchObject({ 'messaging.system': 'kafka', 'eventing.delivery.outcome': 'delivered', 'cloudevents.event_type': RESPONSE });
    }
    for (const span of [ingress, router, call, predictor, publisher, display]) expect(span.status?.code ?? 0).not.toBe(2);

    // The response event was created in the response-publisher's span, and says so.
    expect(response.traceparent).toBe(`00-${traceId}-${publisher.spanId}-01`);
  });

  it('continues a trace that only the event carries (Ce-Traceparent), keeping it on the event', async () => {
    const traceId = hex(16);
    const sourceSpan = hex(8);
    const response = await sendTraced(traceId, { 'Ce-Traceparent': `00-${traceId}-${sourceSpan}-01`, 'Ce-Tracestate': 'vendor=seed' });
    const spans = await traceOf(traceId);
    expect(only(spans, ingressService, ingressName).parentSpanId).toBe(sourceSpan);
    const publisher = only(spans, 'response-publisher', handling(PUBLISHER_TRIGGER));
    expect(response.traceparent).toBe(`00-${traceId}-${publisher.spanId}-01`);
    // tracestate travels with the trace (W3C Trace Context: passed on unchanged by each hop).
    expect(response.tracestate).toBe('vendor=seed');
  });

  it('exports nothing but OTLP JSON the receiver reads', () => {
    expect(receiver.refused).toEqual([]);
  });
});
