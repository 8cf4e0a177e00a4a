import { BACKENDS, printedIds, startFlow, type Flow } from './support/flow';
import { predictorAt, withManifests } from './support/manifests';
import { sendStream } from './support/stream';
import { waitFor } from './support/wait';
import { TestSubscriber } from './support/subscriber';
import { awaitDeliveries } from './support/tally';

const RESPONSE = 'seldon.iris-deployment.default.response';
/** Kafka's shortest session timeout: a killed consumer's partitions move on after it. */
const SESSION_TIMEOUT_MS = 6000;
const FAILING = 'failing-model';
/** A Seldon error longer than knativeerrordata may carry: the dead letters must hold its first 768 bytes. */
const FAILURE = Buffer.from(
  JSON.stringify({ status: { code: 500, info: 'model exploded', reason: 'MICROSERVICE_INTERNAL_ERROR', status: 'FAILURE' }, trace: 'x'.repeat(2000) }),
);

/**
 * What a user's events survive, the same on every backend: a predictor that is down for a while
 * or always failing, and each of the product's services killed with SIGKILL mid-stream.
 */
describe.each(BACKENDS)('faults on the %s backend', (backend) => {
  const failingPredictor = new TestSubscriber((_r, res) => res.writeHead(500, { 'content-type': 'application/json' }).end(FAILURE));
  const deadLetters = new TestSubscriber();
  let flow: Flow;

  beforeAll(async () => {
    await Promise.all([failingPredictor.start(), deadLetters.start()]);
    const delivery = { retry: 2, backoffPolicy: 'linear', backoffDelay: 'PT0.05S', deadLetterSink: { uri: `${deadLetters.url}/dead-letters` } };
    flow = await startFlow(backend, {
      EVENTING_MANIFESTS: withManifests(predictorAt(FAILING, `${failingPredictor.url}/api/v1.0/predictions`, { delivery })),
      KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
    });
  });

  afterAll(async () => {
    await flow?.stop();
    failingPredictor.close();
    deadLetters.close();
  });

  it('answers every event once a predictor that was down is back', async () => {
    const model = flow.services['model-server'];
    await model.kill();
    const stream = sendStream(`${flow.entry}/`, { count: 60, paceMs: 5 });
    await stream.done;
    // Down for a while: every event fails and is retried. On kafka the outage outlasts the session
    // timeout, so the router's consumer must keep its group membership through its retries, or
    // its events are handed out again (duplicates).
    await new Promise((r) => setTimeout(r, backend === 'kafka' ? SESSION_TIMEOUT_MS + 1000 : 1000));
    expect(printedIds(flow, RESPONSE).filter((id) => stream.accepted.has(id))).toEqual([]);
    await model.start();

    const tally = await awaitDeliveries(`predictor down on ${backend}`, stream.sent, stream.accepted, () => printedIds(flow, RESPONSE), 60_000);
    expect(stream.refused).toEqual([]);
    expect(tally).toMatchObject({ accepted: 60, lost: 0, duplicated: 0 });
  });

  it('dead-letters every event, with the knativeerror extensions, when the predictor always fails', async () => {
    const stream = sendStream(`${flow.entry}/`, { count: 30, paceMs: 0, type: `seldon.${FAILING}.default.request` });
    await stream.done;
    const letters = () => deadLetters.received.map((r) => String(r.headers['ce-seldonpuid']));
    const tally = await awaitDeliveries(`predictor failing on ${backend}`, stream.sent, stream.accepted, letters, 30_000);
    expect(tally).toMatchObject({ accepted: 30, lost: 0 });

    // Retried per the Trigger's delivery spec: 1 + 2 attempts each, then dead-lettered.
    const calls = failingPredictor.received.map((call) => String(call.headers['seldon-puid']));
    expect(stream.sent.map((puid) => calls.filter((p) => p === puid).length)).toEqual(stream.sent.map(() => 3));

    const destination =
      backend === 'knative'
        ? `${flow.services['predictor-router'].url}/triggers/default/${FAILING}-trigger`
        : `${failingPredictor.url}/api/v1.0/predictions`;
    for (const letter of deadLetters.received) {
      expect(letter.path).toBe('/dead-letters');
      expect(letter.headers).toMatchObject({ 'ce-type': `seldon.${FAILING}.default.request`, 'ce-knativeerrorcode': '502', 'ce-knativeerrordest': destination });
      const data = String(letter.headers['ce-knativeerrordata']);
      expect(data).toHaveLength(1024);
      expect(Buffer.from(data, 'base64')).toEqual(FAILURE.subarray(0, 768));
      expect(JSON.parse(letter.body.toString())).toEqual({ data: { ndarray: [[1, 2, 3, 4]] } });
    }
  });

  it.each(['predictor-router', 'response-publisher', 'event-display'])(
    'loses no accepted event when the %s is killed with SIGKILL mid-stream and restarted',
    async (name) => {
      const service = flow.services[name];
      const stream = sendStream(`${flow.entry}/`, { count: 60, paceMs: 10 });
      await waitFor(() => stream.accepted.size >= 15, { what: 'the first events to be accepted' });
      await service.kill();
      await waitFor(() => stream.accepted.size >= 30, { what: 'events to be accepted while it is down' });
      await service.start();
      await stream.done;

      const tally = await awaitDeliveries(`${name} SIGKILL on ${backend}`, stream.sent, stream.accepted, () => printedIds(flow, RESPONSE), 60_000);
      expect(stream.refused).toEqual([]);
      expect(tally).toMatchObject({ accepted: 60, lost: 0 });
    },
  );
});
