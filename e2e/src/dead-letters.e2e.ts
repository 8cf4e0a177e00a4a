import { BACKENDS, printedIds, startFlow, type Flow } from './support/flow';
import { predictorAt, withManifests } from './support/manifests';
import { sendStream } from './support/stream';
import { waitFor } from './support/wait';
import { TestSubscriber } from './support/subscriber';
import { awaitDeliveries } from './support/tally';

const RESPONSE = 'seldon.iris-deployment.default.response';
const FAILING = 'failing-model';
const TRIGGER = `default/${FAILING}-trigger`;
/** A Trigger whose subscriber names no SeldonDeployment: it must not stop any service from starting. */
const UNRESOLVABLE = {
  apiVersion: 'eventing.knative.dev/v1',
  kind: 'Trigger',
  metadata: { name: 'typo-trigger', namespace: 'default' },
  spec: { broker: 'default', subscriber: { ref: { apiVersion: 'machinelearning.seldon.io/v1', kind: 'SeldonDeployment', name: 'iris-deploymnet' } } },
};

/**
 * One policy for a dead-letter sink that refuses, the same on every backend (the delivery
 * engine's, after the Knative Kafka Broker's): once the sink has refused within the Trigger's
 * retry budget, the event is lost, logged as such, and settled, so it never holds back the
 * events after it nor comes again after a restart.
 */
describe.each(BACKENDS)('a dead-letter sink that refuses, on the %s backend', (backend) => {
  const failingPredictor = new TestSubscriber((_r, res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{"status":{"code":500}}'));
  const refusingSink = new TestSubscriber((_r, res) => res.writeHead(500).end());
  let flow: Flow;

  beforeAll(async () => {
    await Promise.all([failingPredictor.start(), refusingSink.start()]);
    const delivery = { retry: 1, backoffPolicy: 'linear', backoffDelay: 'PT0.05S', deadLetterSink: { uri: `${refusingSink.url}/dead-letters` } };
    flow = await startFlow(backend, {
      EVENTING_MANIFESTS: withManifests([...predictorAt(FAILING, `${failingPredictor.url}/api/v1.0/predictions`, { delivery }), UNRESOLVABLE]),
    });
  });

  afterAll(async () => {
    await flow?.stop();
    failingPredictor.close();
    refusingSink.close();
  });

  it('started every service although one Trigger cannot be resolved, and says why in its log and at GET /triggers', async () => {
    expect(flow.logs.some((line) => line.includes('trigger default/typo-trigger is not ready and is not served') && line.includes('iris-deploymnet'))).toBe(true);
    const triggers = (await (await fetch(`${flow.services['predictor-router'].url}/triggers`)).json()) as { name: string }[];
    expect(triggers.find((t) => t.name === 'typo-trigger')).toMatchObject({ ready: false, reason: expect.stringContaining('iris-deploymnet'), servedBy: null });
    const served = (await (await fetch(`${flow.services['predictor-router'].url}/triggers?servedBy=predictor-router`)).json()) as { name: string }[];
    expect(served.map((t) => t.name).sort()).toEqual([`${FAILING}-trigger`, 'iris-tf-trigger', 'iris-v2-trigger', 'seldon-eventing-override-trigger', 'seldon-eventing-sklearn-trigger']);
  });

  it('counts the event lost and settles it: later events flow, and a restart does not bring it back', async () => {
    const failing = sendStream(`${flow.entry}/`, { count: 10, paceMs: 0, type: `seldon.${FAILING}.default.request` });
    await failing.done;
    expect(failing.accepted.size).toBe(10);
    const lost = () => flow.logs.filter((line) => line.includes(`for trigger ${TRIGGER} lost:`) && line.includes('the dead-letter sink refused it too'));
    // Each event: 2 attempts at the predictor, then 2 at the sink, then lost.
    await waitFor(() => lost().length === 10, { what: 'ten events logged as lost' });
    expect(refusingSink.received).toHaveLength(20);

    const healthy = sendStream(`${flow.entry}/`, { count: 20, paceMs: 0 });
    await healthy.done;
    const tally = await awaitDeliveries(`after lost events on ${backend}`, healthy.sent, healthy.accepted, () => printedIds(flow, RESPONSE), 30_000);
    expect(tally).toMatchObject({ accepted: 20, lost: 0 });

    // A graceful restart of the service that settled them: nothing it settled is tried again.
    const router = flow.services['predictor-router'];
    const calls = failingPredictor.received.length;
    await router.stop();
    await router.start();
    const marker = sendStream(`${flow.entry}/`, { count: 1, paceMs: 0 });
    await marker.done;
    await waitFor(() => printedIds(flow, RESPONSE).includes(marker.sent[0]), { what: 'an event sent after the restart to be answered' });
    expect(failingPredictor.received).toHaveLength(calls);
    expect(refusingSink.received).toHaveLength(20);
  });
});
