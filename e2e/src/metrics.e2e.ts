import { BACKENDS, printedIds, startFlow, type Flow } from './support/flow';
import { histogramFaults, scrape, total, type MetricFamily } from './support/metrics';
import { sendStream } from './support/stream';
import { awaitDeliveries } from './support/tally';
import { waitFor } from './support/wait';

const N = 25;
const RESPONSE = 'seldon.iris-deployment.default.response';
const BROKER = { namespace_name: 'default', broker_name: 'default' };
const PREDICTOR_TRIGGER = 'seldon-eventing-sklearn-trigger';
const PUBLISHER_TRIGGER = 'seldon-response-publisher';
const DISPLAY_TRIGGER = 'event-display';
/** e2e/config's Trigger for another type: every event of the flow passes it by. */
const OVERRIDE_TRIGGER = 'seldon-eventing-override-trigger';
/** config/manifests' Triggers of the V2 and TensorFlow deployments: the flow's events pass them by too. */
const OTHER_PROTOCOL_TRIGGERS = ['iris-v2-trigger', 'iris-v2-display', 'iris-tf-trigger', 'iris-tf-display'];
/** config/manifests' Trigger taking response events to the ingress-adapter (request/reply). */
const REPLIES_TRIGGER = 'ingress-adapter-replies';

/**
 * Every service serves Prometheus metrics at /metrics, and they count what happened: N seed
 * requests through the ingress-adapter are N events accepted, N deliveries per Trigger of the
 * flow, N predictor calls, with well-formed histograms, as prometheus_client's parser reads them.
 */
describe.each(BACKENDS)('metrics on the %s backend', (backend) => {
  let flow: Flow;
  const scraped: Record<string, MetricFamily[]> = {};
  /** Where each Trigger's deliveries are counted: the broker on knative, the consuming service on kafka. */
  const deliveredBy = (service: string) => (backend === 'knative' ? 'broker' : service);

  beforeAll(async () => {
    flow = await startFlow(backend);
    const stream = sendStream(`${flow.ingress}/`, { count: N, paceMs: 0 });
    await stream.done;
    expect(stream.accepted.size).toBe(N);
    const tally = await awaitDeliveries(`metrics on ${backend}`, stream.sent, stream.accepted, () => printedIds(flow, RESPONSE));
    expect(tally).toMatchObject({ accepted: N, lost: 0 });
    // Outcomes are counted once the subscriber answered, which is just after it printed.
    const displayCounter = deliveredBy('event-display');
    await waitFor(async () => total(await scrape(flow.services[displayCounter].url), 'trigger_event_count_total', { trigger_name: DISPLAY_TRIGGER, outcome: 'delivered' }) >= N, {
      what: `${displayCounter} to count ${N} deliveries to event-display`,
      intervalMs: 100,
    });
    for (const [name, service] of Object.entries(flow.services)) scraped[name] = await scrape(service.url);
  });

  afterAll(() => flow?.stop());

  it('serves /metrics on every service, with the process metrics and well-formed histograms', () => {
    expect(Object.keys(scraped).sort()).toEqual(Object.keys(flow.services).sort());
    for (const [name, families] of Object.entries(scraped)) {
      expect({ name, cpu: total(families, 'process_cpu_user_seconds_total') > 0 }).toEqual({ name, cpu: true });
      expect({ name, faults: histogramFaults(families) }).toEqual({ name, faults: [] });
    }
  });

  it('counts the N events the ingress-adapter accepted, and nothing refused', () => {
    const ingress = scraped['ingress-adapter'];
    expect(total(ingress, 'ingress_event_count_total', { ...BROKER, entry: 'cloudevents', response_code: '202', response_code_class: '2xx' })).toBe(N);
    expect(total(ingress, 'ingress_event_count_total')).toBe(N);
    expect(total(ingress, 'ingress_request_duration_seconds_count', { entry: 'cloudevents', response_code_class: '2xx' })).toBe(N);
    if (backend === 'knative') {
      // The adapter publishes each to the broker: N more at the broker's ingress (replies re-enter inside it).
      expect(total(scraped.broker, 'ingress_event_count_total', { ...BROKER, entry: 'broker', response_code: '202' })).toBe(N);
    } else {
      // Each accepted event is one record the adapter produced, acknowledged by Kafka.
      expect(total(ingress, 'kafka_producer_batch_records_sum')).toBe(N);
      expect(total(ingress, 'kafka_producer_request_latency_seconds_count')).toBeGreaterThan(0);
    }
  });

  it('counts N deliveries for each Trigger of the flow, none retried, dead-lettered or lost', () => {
    for (const [trigger, service] of [
      [PREDICTOR_TRIGGER, 'predictor-router'],
      [PUBLISHER_TRIGGER, 'response-publisher'],
      [DISPLAY_TRIGGER, 'event-display'],
    ]) {
      const families = scraped[deliveredBy(service)];
      const labels = { ...BROKER, trigger_name: trigger };
      expect({ trigger, delivered: total(families, 'trigger_event_count_total', { ...labels, outcome: 'delivered' }) }).toEqual({ trigger, delivered: N });
      for (const outcome of ['retried', 'dead-lettered', 'lost']) {
        expect({ trigger, outcome, count: total(families, 'trigger_event_count_total', { ...labels, outcome }) }).toEqual({ trigger, outcome, count: 0 });
      }
      expect(total(families, 'trigger_event_dispatch_latencies_seconds_count', { ...labels, outcome: 'delivered' })).toBe(N);
    }
    // The broker delivers over HTTP, so its count carries the subscriber's answer (event-display replies
    // nothing: 202, Knative's receiver's code); an in-process handler on kafka gives none.
    const code = backend === 'knative' ? '202' : '';
    expect(total(scraped[deliveredBy('event-display')], 'trigger_event_count_total', { trigger_name: DISPLAY_TRIGGER, outcome: 'delivered', response_code: code })).toBe(N);
  });

  it('counts what a Trigger filters out: the other Triggers events pass it by', () => {
    // Requests, outcomes and responses: 3N events on the broker, none of the override Trigger's type.
    expect(total(scraped[deliveredBy('predictor-router')], 'trigger_event_count_total', { trigger_name: OVERRIDE_TRIGGER, outcome: 'filtered' })).toBe(3 * N);
    // event-display's Trigger takes the responses only.
    expect(total(scraped[deliveredBy('event-display')], 'trigger_event_count_total', { trigger_name: DISPLAY_TRIGGER, outcome: 'filtered' })).toBe(2 * N);
  });

  it('counts N predictor calls, by deployment, namespace, protocol and status', () => {
    const labels = { deployment_name: 'iris-deployment', namespace: 'default', protocol: 'seldon', code: '200' };
    expect(total(scraped['predictor-router'], 'seldon_api_executor_client_requests_seconds_count', labels)).toBe(N);
    expect(total(scraped['predictor-router'], 'seldon_api_executor_client_requests_seconds_count')).toBe(N);
  });

  it('reports queue depth (knative) or records in flight per partition (kafka), back to zero once idle', () => {
    if (backend === 'knative') {
      const depth = scraped.broker.find((f) => f.name === 'trigger_queue_depth');
      expect(depth?.samples.map((s) => s.labels.trigger_name).sort()).toEqual([DISPLAY_TRIGGER, OVERRIDE_TRIGGER, PREDICTOR_TRIGGER, PUBLISHER_TRIGGER, REPLIES_TRIGGER, ...OTHER_PROTOCOL_TRIGGERS].sort());
      expect(total(scraped.broker, 'trigger_queue_depth')).toBe(0);
    } else {
      const inFlight = scraped['predictor-router'].find((f) => f.name === 'kafka_trigger_records_in_flight');
      const partitions = inFlight?.samples.filter((s) => s.labels.trigger_name === PREDICTOR_TRIGGER).map((s) => s.labels.partition);
      expect(partitions?.length).toBeGreaterThan(0);
      expect(total(scraped['predictor-router'], 'kafka_trigger_records_in_flight')).toBe(0);
    }
  });
});
