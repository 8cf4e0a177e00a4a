import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PORT_OFFSET, post } from './support/flow';
import { TestSubscriber } from './support/subscriber';
import { waitFor } from './support/wait';
const { startServices, stopServices } = require('../../tools/run/services.js');

/**
 * The embedded broker's Knative delivery semantics, against real HTTP subscribers: retries with
 * backoff, dead-letter sink with knativeerror* extensions, reply re-ingestion, the TTL loop
 * guard, and the filter dialects.
 */
describe('the embedded broker', () => {
  const flaky = new TestSubscriber();
  const failing = new TestSubscriber((_r, res) => res.writeHead(503, { 'content-type': 'text/plain' }).end('predictor is down'));
  const deadLetters = new TestSubscriber();
  const replier = new TestSubscriber();
  const replies = new TestSubscriber();
  const looper = new TestSubscriber();
  const filtered = new TestSubscriber();
  /** The broker's log lines: its warnings say which replies its loop guard dropped. */
  const brokerLog: string[] = [];
  let services: Record<string, { url: string }>;
  let broker: string;

  beforeAll(async () => {
    await Promise.all([flaky, failing, deadLetters, replier, replies, looper, filtered].map((s) => s.start()));
    const dir = mkdtempSync(join(tmpdir(), 'broker-e2e-'));
    const trigger = (name: string, filter: string, uri: string, delivery = '') => `
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: { name: ${name}, namespace: default }
spec:
  broker: default
${filter}
  subscriber: { uri: "${uri}" }
${delivery}
---`;
    const retry = (n: number) => `  delivery:
    retry: ${n}
    backoffPolicy: linear
    backoffDelay: PT0.1S
    deadLetterSink: { uri: "${deadLetters.url}/dls" }`;
    writeFileSync(
      join(dir, 'triggers.yaml'),
      [
        trigger('flaky', '  filter: { attributes: { type: test.flaky } }', `${flaky.url}/`, retry(3)),
        trigger('failing', '  filter: { attributes: { type: test.failing } }', `${failing.url}/`, retry(2)),
        trigger('replier', '  filter: { attributes: { type: test.ask } }', `${replier.url}/`),
        trigger('replies', '  filter: { attributes: { type: test.answer } }', `${replies.url}/`),
        trigger('looper', '  filter: { attributes: { type: test.loop } }', `${looper.url}/`),
        trigger(
          'filtered',
          `  filters:
    - prefix: { type: "test.filter." }
    - any: [ { exact: { region: eu } }, { suffix: { source: "/trusted" } } ]
    - not: { exact: { subject: skip } }`,
          `${filtered.url}/`,
        ),
      ].join('\n'),
    );
    services = await startServices({
      backend: 'knative',
      only: ['broker'],
      output: (_service: string, line: string) => brokerLog.push(line),
      env: { ...process.env, BROKER_PORT: String(18380 + PORT_OFFSET), EVENTING_MANIFESTS: dir, LOG_LEVEL: 'warn', LOCAL_ADDRESSES: '' },
    });
    broker = `${services.broker.url}/default/default`;
  });

  afterAll(async () => {
    await stopServices(services ?? {});
    [flaky, failing, deadLetters, replier, replies, looper, filtered].forEach((s) => s.close());
  });

  const send = (type: string, extra: Record<string, string> = {}, body = '{"hello":"world"}') =>
    post(broker, { 'ce-specversion': '1.0', 'ce-id': randomUUID(), 'ce-source': 'e2e/broker', 'ce-type': type, 'content-type': 'application/json', ...extra }, body);

  it('retries a failing subscriber with linear backoff until it succeeds', async () => {
    let calls = 0;
    flaky.answerWith((_r, res) => res.writeHead(++calls < 3 ? 500 : 202).end());
    expect((await send('test.flaky')).status).toBe(202);
    const received = await flaky.waitFor(3);
    expect(received).toHaveLength(3);
    // linear: 100 ms after the 1st failure, 200 ms after the 2nd.
    expect(received[1].at - received[0].at).toBeGreaterThanOrEqual(90);
    expect(received[2].at - received[1].at).toBeGreaterThanOrEqual(190);
    expect(received[0].headers).toMatchObject({ prefer: 'reply', 'kn-namespace': 'default', 'ce-type': 'test.flaky' });
    expect(received[0].headers['ce-knativebrokerttl']).toBeUndefined();
    expect(received[0].headers['ce-knativearrivaltime']).toBeDefined();
  });

  it('dead-letters an event after its retries, with the knativeerror extensions', async () => {
    const id = randomUUID();
    expect((await send('test.failing', { 'ce-id': id })).status).toBe(202);
    await failing.waitFor(3);
    const [letter] = await deadLetters.waitFor(1);
    expect(failing.received).toHaveLength(3);
    expect(letter.path).toBe('/dls');
    expect(letter.headers).toMatchObject({ 'ce-id': id, 'ce-type': 'test.failing', 'ce-knativeerrorcode': '503', 'ce-knativeerrordest': `${failing.url}/` });
    expect(Buffer.from(letter.headers['ce-knativeerrordata'] as string, 'base64').toString()).toBe('predictor is down');
    expect(JSON.parse(letter.body.toString())).toEqual({ hello: 'world' });
  });

  it('re-ingests a reply event, which the matching Trigger then receives', async () => {
    const replyId = randomUUID();
    replier.answerWith((_r, res) =>
      res.writeHead(200, { 'ce-specversion': '1.0', 'ce-id': replyId, 'ce-source': 'replier', 'ce-type': 'test.answer', 'content-type': 'text/plain' }).end('42'),
    );
    expect((await send('test.ask')).status).toBe(202);
    const [answer] = await replies.waitFor(1);
    expect(answer.headers).toMatchObject({ 'ce-id': replyId, 'ce-source': 'replier' });
    expect(answer.body.toString()).toBe('42');
  });

  it('stops a reply loop with the TTL', async () => {
    const replyIds: string[] = [];
    looper.answerWith((req, res) => {
      replyIds.push(randomUUID());
      res.writeHead(200, { 'ce-specversion': '1.0', 'ce-id': replyIds[replyIds.length - 1], 'ce-source': 'looper', 'ce-type': 'test.loop' }).end(req.body);
    });
    expect((await send('test.loop', { 'ce-knativebrokerttl': '5' })).status).toBe(202);
    await looper.waitFor(5);
    // The fifth reply has spent its TTL: once the broker says it dropped it, nothing more can come.
    const dropped = (line: string) => line.includes(`reply ${replyIds[4]} `) && line.includes('dropped');
    await waitFor(() => brokerLog.some(dropped), { what: `the broker to log that it dropped reply ${replyIds[4]}` });
    expect(looper.received).toHaveLength(5);
  });

  it('applies the SubscriptionsAPI filters', async () => {
    const cases: [Record<string, string>, boolean][] = [
      [{ 'ce-type': 'test.filter.a', 'ce-region': 'eu' }, true],
      [{ 'ce-type': 'test.filter.b', 'ce-source': 'x/trusted' }, true],
      [{ 'ce-type': 'test.filter.c', 'ce-region': 'us' }, false],
      [{ 'ce-type': 'test.filter.d', 'ce-region': 'eu', 'ce-subject': 'skip' }, false],
      [{ 'ce-type': 'other.filter', 'ce-region': 'eu' }, false],
    ];
    for (const [headers] of cases) expect((await send(headers['ce-type'], headers)).status).toBe(202);
    // The broker matches an event before it answers 202, in order: once a matching event sent
    // after all the cases has arrived, any case that matched was queued ahead of it.
    expect((await send('test.filter.marker', { 'ce-region': 'eu' })).status).toBe(202);
    const arrived = () => filtered.received.map((r) => String(r.headers['ce-type']));
    await waitFor(() => arrived().includes('test.filter.marker'), { what: 'the marker event at the filtered subscriber' });
    await filtered.waitFor(3);
    expect(arrived().filter((type) => type !== 'test.filter.marker').sort()).toEqual(['test.filter.a', 'test.filter.b']);
  });
});
