import { randomUUID } from 'node:crypto';
import { post, printedIds, SEED_PAYLOAD, seedHeaders, startFlow, type Flow } from './support/flow';
import { predictorAt, withManifests } from './support/manifests';
import { TestSubscriber } from './support/subscriber';
import { countDeliveries, formatTally } from './support/tally';
import { waitFor } from './support/wait';

const BIG_MODEL = 'big-model';
const RESPONSE = `seldon.${BIG_MODEL}.default.response`;
/** Kafka's default max.message.bytes, which the test Kafka keeps. */
const LIMIT = 1_048_588;
/** A prediction larger than Kafka takes as one record. */
const HUGE_PREDICTION = JSON.stringify({ data: { ndarray: [[0.1, 0.2, 0.7]] }, meta: { tags: { pad: 'x'.repeat(1_300_000) } } });
const PREDICTION = '{"data":{"names":["t:0","t:1","t:2"],"ndarray":[[0.1,0.2,0.7]]},"meta":{}}';
/** event-display shows this deployment's responses too. */
const DISPLAY_RESPONSES = {
  apiVersion: 'eventing.knative.dev/v1',
  kind: 'Trigger',
  metadata: { name: 'big-model-responses', namespace: 'default' },
  spec: { broker: 'default', filter: { attributes: { type: RESPONSE } }, subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'event-display' } } },
};

/**
 * Kafka's record limit on the kafka backend: a request over it is refused up front with 413 naming
 * the limit, on both of the ingress-adapter's entries; a reply over it is dead-lettered with the
 * reason instead of blocking its partition; and the events after it are delivered exactly once,
 * also across a graceful restart of every service.
 */
describe('Kafka record limits on the kafka backend', () => {
  const predictor = new TestSubscriber((req, res) => {
    const huge = req.body.includes('[[9,9,9,9]]');
    res.writeHead(200, { 'content-type': 'application/json' }).end(huge ? HUGE_PREDICTION : PREDICTION);
  });
  const deadLetters = new TestSubscriber();
  let flow: Flow;

  beforeAll(async () => {
    await Promise.all([predictor.start(), deadLetters.start()]);
    const delivery = { retry: 1, backoffPolicy: 'linear', backoffDelay: 'PT0.05S', deadLetterSink: { uri: `${deadLetters.url}/dead-letters` } };
    flow = await startFlow('kafka', {
      EVENTING_MANIFESTS: withManifests([...predictorAt(BIG_MODEL, `${predictor.url}/api/v1.0/predictions`, { delivery }), DISPLAY_RESPONSES]),
    });
  });

  afterAll(async () => {
    await flow?.stop();
    predictor.close();
    deadLetters.close();
  });

  const request = (puid: string, body: string, extra: Record<string, string> = {}) =>
    post(`${flow.ingress}/`, seedHeaders({ 'Ce-Type': `seldon.${BIG_MODEL}.default.request`, 'Ce-Seldonpuid': puid, 'Ce-Partitionkey': 'one-partition', ...extra }), body);

  it('answers 413 naming the limit for a request over it, on the CloudEvents and the Seldon REST entries, and produces nothing', async () => {
    const big = JSON.stringify({ strData: 'x'.repeat(1_200_000) });
    const puid = randomUUID();
    const asEvent = await request(puid, big);
    expect(asEvent.status).toBe(413);
    expect(asEvent.json.error).toContain(`${LIMIT} bytes (max.message.bytes)`);
    const asRest = await post(`${flow.ingress}/seldon/default/${BIG_MODEL}/api/v1.0/predictions`, { 'content-type': 'application/json', 'seldon-puid': puid }, big);
    expect(asRest.status).toBe(413);
    expect(asRest.json.error).toContain('max.message.bytes');

    const marker = randomUUID();
    expect((await request(marker, SEED_PAYLOAD)).status).toBe(202);
    await waitFor(() => printedIds(flow, RESPONSE).includes(marker), { what: 'a later event to be answered' });
    expect(predictor.received.filter((r) => r.headers['seldon-puid'] === puid)).toEqual([]);
  });

  it('dead-letters a reply over the limit with the reason; the 50 events after it on its partition are delivered once, also after a restart', async () => {
    const huge = randomUUID();
    expect((await request(huge, '{"data":{"ndarray":[[9,9,9,9]]}}')).status).toBe(202);
    const after = Array.from({ length: 50 }, () => randomUUID());
    for (const puid of after) expect((await request(puid, SEED_PAYLOAD)).status).toBe(202);

    await waitFor(() => deadLetters.received.length === 1, { what: 'the dead letter of the huge reply', timeoutMs: 30_000 });
    const [letter] = deadLetters.received;
    expect(letter.headers).toMatchObject({ 'ce-seldonpuid': huge, 'ce-knativeerrorcode': '413' });
    expect(Buffer.from(String(letter.headers['ce-knativeerrordata']), 'base64').toString()).toContain('max.message.bytes');
    await waitFor(() => after.every((puid) => printedIds(flow, RESPONSE).includes(puid)), { what: 'the 50 later events to be answered', timeoutMs: 30_000 });

    for (const service of Object.values(flow.services)) {
      await service.stop();
      await service.start();
    }
    const marker = randomUUID();
    expect((await request(marker, SEED_PAYLOAD)).status).toBe(202);
    await waitFor(() => printedIds(flow, RESPONSE).includes(marker), { what: 'an event sent after the restart to be answered', timeoutMs: 30_000 });

    const tally = countDeliveries('oversized reply, then 50 on its partition', after, new Set(after), printedIds(flow, RESPONSE));
    process.stdout.write(`${formatTally(tally)}\n`);
    expect(tally).toMatchObject({ lost: 0, duplicated: 0 });
    expect(deadLetters.received).toHaveLength(1);
    expect(predictor.received.filter((r) => r.headers['seldon-puid'] === huge)).toHaveLength(1);
  });
});
