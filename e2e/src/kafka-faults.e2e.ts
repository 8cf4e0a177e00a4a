import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { Kafka, logLevel, type Admin, type Consumer, type IHeaders } from 'kafkajs';
import { post, printedIds, readinessOf, seedHeaders, troubleIn, SEED_PAYLOAD, startFlow, type Flow } from './support/flow';
import { predictorAt, withManifests } from './support/manifests';
import { sendStream } from './support/stream';
import { waitFor } from './support/wait';
import { TestSubscriber, type Received } from './support/subscriber';
import { awaitDeliveries, countDeliveries, formatTally } from './support/tally';
const { startKafka } = require('../../tools/kafka/kafka.js');

interface KafkaInstance {
  brokers: string;
  port: number;
  controllerPort: number;
  dataDir: string;
  stop(): Promise<void>;
}

const TOPIC = 'knative-broker-default-default';
const DEAD_LETTER_TOPIC = 'e2e-dead-letters';
const RESPONSE = 'seldon.iris-deployment.default.response';
const FAILURE = Buffer.from('{"status":{"code":500,"info":"model exploded","status":"FAILURE"}}');
const PREDICTION = '{"data":{"names":["t:0"],"ndarray":[[1]]},"meta":{}}';

const headerText = (headers: IHeaders | undefined, name: string): string | undefined => (headers?.[name] === undefined ? undefined : String(headers[name]));

/** Messages behind a group's committed offsets on the broker topic: how far a Trigger lags. */
async function lagOf(admin: Admin, groupId: string): Promise<number> {
  const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(TOPIC), admin.fetchOffsets({ groupId, topics: [TOPIC] })]);
  const at = new Map(committed.partitions.map((p) => [p.partition, Number(p.offset)]));
  return ends.reduce((sum, p) => sum + Number(p.high) - Math.max(Number(p.low), at.get(p.partition) ?? 0), 0);
}

/**
 * What only the kafka backend promises, against a Kafka of the suite's own that it can stop:
 * dead letters to a KafkaSink topic, ordered delivery per partition key, a slow Trigger that lags
 * alone, and a Kafka restart that loses nothing it acknowledged.
 */
describe('faults of the kafka backend', () => {
  const failing = new TestSubscriber((_r, res) => res.writeHead(500, { 'content-type': 'application/json' }).end(FAILURE));
  const ordered = new TestSubscriber();
  const slow = new TestSubscriber();
  const dataDir = mkdtempSync(join(tmpdir(), 'e2e-kafka-data-'));
  let kafka: KafkaInstance;
  let admin: Admin;
  let flow: Flow;

  beforeAll(async () => {
    await Promise.all([failing.start(), ordered.start(), slow.start()]);
    kafka = await startKafka({ dataDir });
    admin = new Kafka({ clientId: 'e2e', brokers: [kafka.brokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const retry = { retry: 3, backoffPolicy: 'linear', backoffDelay: 'PT0.05S' };
    const manifests = withManifests([
      ...predictorAt('failing-model', `${failing.url}/api/v1.0/predictions`, {
        delivery: { ...retry, retry: 1, deadLetterSink: { ref: { apiVersion: 'eventing.knative.dev/v1alpha1', kind: 'KafkaSink', name: 'dead-letters' } } },
      }),
      { apiVersion: 'eventing.knative.dev/v1alpha1', kind: 'KafkaSink', metadata: { name: 'dead-letters', namespace: 'default' }, spec: { topic: DEAD_LETTER_TOPIC, bootstrapServers: [kafka.brokers] } },
      ...predictorAt('ordered-model', `${ordered.url}/api/v1.0/predictions`, { delivery: retry, annotations: { 'kafka.eventing.knative.dev/delivery.order': 'ordered' } }),
      ...predictorAt('slow-model', `${slow.url}/api/v1.0/predictions`),
    ]);
    flow = await startFlow('kafka', { KAFKA_BROKERS: kafka.brokers, EVENTING_MANIFESTS: manifests, PUBLISH_TIMEOUT_MS: '2000', KAFKA_SESSION_TIMEOUT_MS: '6000' });
  });

  afterAll(async () => {
    await flow?.stop();
    await admin?.disconnect();
    await kafka?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    [failing, ordered, slow].forEach((s) => s.close());
  });

  it('dead-letters to the topic of a KafkaSink, with the knativeerror extensions', async () => {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: DEAD_LETTER_TOPIC, numPartitions: 1 }] });
    const reader: Consumer = new Kafka({ clientId: 'e2e', brokers: [kafka.brokers], logLevel: logLevel.NOTHING }).consumer({ groupId: 'e2e-dead-letter-reader', maxWaitTimeInMs: 50 });
    const letters: { headers: IHeaders; value: string }[] = [];
    await reader.connect();
    await reader.subscribe({ topic: DEAD_LETTER_TOPIC, fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void letters.push({ headers: message.headers ?? {}, value: String(message.value) }) });
    try {
      const stream = sendStream(`${flow.ingress}/`, { count: 20, paceMs: 0, type: 'seldon.failing-model.default.request' });
      await stream.done;
      const seen = () => letters.map((l) => headerText(l.headers, 'ce_seldonpuid') ?? '');
      const tally = await awaitDeliveries('dead letters to a KafkaSink topic', stream.sent, stream.accepted, seen, 30_000);
      expect(tally).toMatchObject({ accepted: 20, lost: 0 });
      for (const { headers, value } of letters) {
        expect(headerText(headers, 'ce_type')).toBe('seldon.failing-model.default.request');
        expect(headerText(headers, 'ce_knativeerrorcode')).toBe('502');
        expect(headerText(headers, 'ce_knativeerrordest')).toBe(`${failing.url}/api/v1.0/predictions`);
        expect(Buffer.from(headerText(headers, 'ce_knativeerrordata') ?? '', 'base64')).toEqual(FAILURE);
        expect(JSON.parse(value)).toEqual(JSON.parse(SEED_PAYLOAD));
      }
    } finally {
      await reader.disconnect();
    }
  });

  it('delivers the events of one partition key in order, each only after the one before succeeded', async () => {
    // The predictor answers after a random delay and fails the first attempt of every 5th event
    // (puids are <key>-<index>-<uuid>), so overlapping or reordered deliveries would show.
    const calls: { puid: string; at: number; done?: number; ok: boolean }[] = [];
    ordered.answerWith((req: Received, res: ServerResponse) => {
      const puid = String(req.headers['seldon-puid']);
      const firstAttempt = !calls.some((c) => c.puid === puid);
      const call: (typeof calls)[number] = { puid, at: req.at, ok: !(firstAttempt && Number(puid.split('-')[1]) % 5 === 4) };
      calls.push(call);
      setTimeout(() => {
        call.done = Date.now();
        if (call.ok) res.writeHead(200, { 'content-type': 'application/json' }).end(PREDICTION);
        else res.writeHead(503).end('busy');
      }, Math.random() * 20);
    });
    const keys = ['k0', 'k1', 'k2', 'k3'];
    const perKey = 15;
    // Each key's events in one batch request: produced back to back, so they share fetches and
    // only the ordering keeps them apart.
    const sentByKey = new Map(keys.map((key) => [key, Array.from({ length: perKey }, (_v, i) => `${key}-${i}-${randomUUID()}`)]));
    const answers = await Promise.all(
      keys.map((key) => {
        const batch = (sentByKey.get(key) as string[]).map((puid) => ({
          specversion: '1.0',
          id: puid,
          source: 'e2e/ordered',
          type: 'seldon.ordered-model.default.request',
          partitionkey: key,
          seldonpuid: puid,
          datacontenttype: 'application/json',
          data: JSON.parse(SEED_PAYLOAD),
        }));
        return fetch(`${flow.ingress}/`, { method: 'POST', headers: { 'content-type': 'application/cloudevents-batch+json' }, body: JSON.stringify(batch) });
      }),
    );
    expect(answers.map((a) => a.status)).toEqual(keys.map(() => 202));
    const sent = [...sentByKey.values()].flat();
    await waitFor(() => sent.every((puid) => calls.some((c) => c.puid === puid && c.ok && c.done)), { what: 'every ordered event to be answered', timeoutMs: 30_000 });
    process.stdout.write(`${formatTally(countDeliveries('ordered delivery', sent, new Set(sent), calls.filter((c) => c.ok).map((c) => c.puid)))}\n`);

    for (const [key, puids] of sentByKey) {
      const own = calls.filter((c) => c.puid.startsWith(`${key}-`));
      const order = own.map((c) => c.puid).filter((puid, i, all) => i === 0 || all[i - 1] !== puid);
      expect({ key, order }).toEqual({ key, order: puids });
      for (let i = 1; i < own.length; i++) {
        expect({ key, startedBeforePreviousAnswered: own[i].at < (own[i - 1].done as number) }).toEqual({ key, startedBeforePreviousAnswered: false });
      }
    }
    expect(calls.some((c) => !c.ok)).toBe(true);
  });

  it("lags on a slow Trigger's consumer group while the other Triggers go on", async () => {
    const held: ServerResponse[] = [];
    slow.answerWith((_req, res) => void held.push(res));
    const slowGroup = 'knative-trigger-default-slow-model-trigger';
    const stuck = sendStream(`${flow.ingress}/`, { count: 20, paceMs: 0, type: 'seldon.slow-model.default.request' });
    await stuck.done;
    // Its consumer takes one batch at a time: the first slow events it holds block the rest.
    await waitFor(() => held.length > 0, { what: 'the slow predictor to hold slow events', timeoutMs: 15_000 });

    const others = sendStream(`${flow.ingress}/`, { count: 30, paceMs: 0 });
    await others.done;
    const tally = await awaitDeliveries('others while a Trigger is slow', others.sent, others.accepted, () => printedIds(flow, RESPONSE), 20_000);
    expect(tally).toMatchObject({ accepted: 30, lost: 0 });
    expect(await lagOf(admin, slowGroup)).toBeGreaterThanOrEqual(20);

    held.forEach((res) => res.writeHead(200, { 'content-type': 'application/json' }).end(PREDICTION));
    slow.answerWith((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(PREDICTION));
    await waitFor(async () => (await lagOf(admin, slowGroup)) === 0, { what: 'the slow Trigger to catch up', timeoutMs: 20_000 });
  });

  it('is unready and answers 503 at once naming the cause while Kafka is down, and loses nothing it answered 202 for, once Kafka is back', async () => {
    let acceptedAtRestart = Number.POSITIVE_INFINITY;
    const stream = sendStream(`${flow.ingress}/`, { count: 400, paceMs: 20, until: ({ accepted }) => accepted.size >= acceptedAtRestart + 20 });
    await waitFor(() => stream.accepted.size >= 20, { what: 'the first events to be accepted' });
    await kafka.stop();
    await waitFor(() => stream.refused.length > 0, { what: 'a refusal while Kafka is down', timeoutMs: 30_000 });
    const cause = `Kafka at 127.0.0.1:${kafka.port} unreachable: ECONNREFUSED`;
    await waitFor(async () => (await readinessOf(flow.ingress)).waitingFor.includes(cause), { what: `the ingress-adapter's /readyz to say "${cause}"`, timeoutMs: 5_000 });
    const asked = Date.now();
    expect(await post(`${flow.ingress}/`, seedHeaders(), SEED_PAYLOAD)).toMatchObject({ status: 503, json: { error: expect.stringContaining(cause) } });
    expect(Date.now() - asked).toBeLessThan(1_000);

    kafka = await startKafka({ port: kafka.port, controllerPort: kafka.controllerPort, dataDir });
    acceptedAtRestart = stream.accepted.size;
    await stream.done;
    await waitFor(async () => (await Promise.all(Object.values(flow.services).map((s) => readinessOf(s.url)))).every((r) => r.status === 200), {
      what: 'every service to be ready again',
      timeoutMs: 30_000,
    });
    expect(Object.values(flow.services).filter((s) => !s.alive)).toEqual([]);

    const tally = await awaitDeliveries('Kafka restart', stream.sent, stream.accepted, () => printedIds(flow, RESPONSE), 60_000, () => troubleIn(flow));
    if (tally.lost > 0) {
      // Where the missing events stopped: a Trigger's group that lags holds them unconsumed.
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith('knative-trigger-'));
      const lags = await Promise.all(groups.map(async (g) => `  ${g}: ${await lagOf(admin, g)}`));
      process.stdout.write(`consumer group lags after the restart:\n${lags.join('\n')}\n`);
    }
    for (const refusal of stream.refused) expect(refusal).toMatchObject({ status: 503, error: expect.stringMatching(/Kafka/) });
    expect(stream.accepted.size).toBeGreaterThanOrEqual(acceptedAtRestart + 20);
    expect(tally.lost).toBe(0);
  });
});
