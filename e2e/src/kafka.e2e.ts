import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { post, SEED_PAYLOAD, seedHeaders, startFlow, type Flow } from './support/flow';
import { TestSubscriber } from './support/subscriber';
import { waitFor } from './support/wait';

const TOPIC = 'knative-broker-default-default';

/**
 * What only the kafka backend promises: interop with other Kafka clients. (Its crash safety is in
 * faults.e2e.ts, on both backends, and kafka-faults.e2e.ts.)
 */
describe('the kafka backend', () => {
  let flow: Flow;
  let kafka: Kafka;
  let producer: Producer;
  // A user's own services: one takes response events and replies with an event, the other takes those replies.
  const external = new TestSubscriber();
  const replies = new TestSubscriber();

  beforeAll(async () => {
    await external.start();
    await replies.start();
    const dir = mkdtempSync(join(tmpdir(), 'e2e-external-'));
    const trigger = (name: string, type: string, uri: string) =>
      `apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: { name: ${name}, namespace: default }\nspec:\n  broker: default\n  filter: { attributes: { type: ${type} } }\n  subscriber: { uri: "${uri}" }\n`;
    writeFileSync(
      join(dir, 'external.yaml'),
      [trigger('external-responses', 'seldon.iris-deployment.default.response', `${external.url}/hook`), trigger('external-replies', 'e2e.external.reply', `${replies.url}/`)].join('---\n'),
    );
    flow = await startFlow('kafka', { EVENTING_MANIFESTS: `config/manifests,e2e/config,${dir}` });
    kafka = new Kafka({ clientId: 'e2e', brokers: (process.env.KAFKA_BROKERS as string).split(','), logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await flow?.stop();
    external.close();
    replies.close();
  });

  it("delivers to a user's own HTTP subscriber through the kafka-dispatcher, and publishes its reply back", async () => {
    const puid = randomUUID();
    external.answerWith((req, res) => {
      const forUs = req.headers['ce-id'] === puid;
      res.writeHead(forUs ? 200 : 202, forUs ? { 'ce-specversion': '1.0', 'ce-id': `reply-${puid}`, 'ce-type': 'e2e.external.reply', 'ce-source': 'e2e/external', 'content-type': 'application/json' } : {});
      res.end(forUs ? '{"seen":true}' : undefined);
    });
    expect((await post(`${flow.ingress}/`, seedHeaders({ 'Ce-Seldonpuid': puid }), SEED_PAYLOAD)).status).toBe(202);

    await waitFor(() => replies.received.some((r) => r.headers['ce-id'] === `reply-${puid}`), { what: `the reply to ${puid} at the broker` });
    const delivered = external.received.find((r) => r.headers['ce-id'] === puid);
    expect(delivered?.path).toBe('/hook');
    expect(delivered?.headers['ce-type']).toBe('seldon.iris-deployment.default.response');
    expect(delivered?.headers['prefer']).toBe('reply');
    expect(JSON.parse(String(delivered?.body)).data.names).toEqual(['t:0', 't:1', 't:2']);
    const reply = replies.received.find((r) => r.headers['ce-id'] === `reply-${puid}`);
    expect(reply?.headers['ce-source']).toBe('e2e/external');
    expect(String(reply?.body)).toBe('{"seen":true}');
  });

  it('routes a binary-mode record written by another Kafka client and answers on the topic', async () => {
    const puid = randomUUID();
    const consumer: Consumer = kafka.consumer({ groupId: `e2e-reader-${randomUUID()}`, maxWaitTimeInMs: 50 });
    const responses: { headers: Record<string, string>; value: string }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        if (headers.ce_id === puid) responses.push({ headers, value: String(message.value) });
      },
    });
    try {
      await producer.send({
        topic: TOPIC,
        messages: [
          {
            value: SEED_PAYLOAD,
            headers: {
              ce_specversion: '1.0',
              ce_id: randomUUID(),
              ce_type: 'seldon.iris-deployment.default.request',
              ce_source: 'e2e/kafka-client',
              ce_seldonpuid: puid,
              'content-type': 'application/json',
            },
          },
        ],
      });
      await waitFor(() => responses.length > 0, { what: `the response record to ${puid}` });
      expect(responses).toHaveLength(1);
      const [record] = responses;
      expect(record.headers.ce_type).toBe('seldon.iris-deployment.default.response');
      expect(record.headers.ce_source).toBe('seldon.iris-deployment');
      expect(record.headers.ce_specversion).toBe('0.3');
      expect(record.headers.ce_path).toBe('/api/v1.0/predictions');
      expect(JSON.parse(record.value).data.names).toEqual(['t:0', 't:1', 't:2']);
    } finally {
      await consumer.disconnect();
    }
  });
});
