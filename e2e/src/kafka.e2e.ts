import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { SEED_PAYLOAD, startFlow, type Flow } from './support/flow';

const TOPIC = 'knative-broker-default-default';

/**
 * What only the kafka backend promises: interop with other Kafka clients. (Its crash safety is in
 * faults.e2e.ts, on both backends, and kafka-faults.e2e.ts.)
 */
describe('the kafka backend', () => {
  let flow: Flow;
  let kafka: Kafka;
  let producer: Producer;

  beforeAll(async () => {
    flow = await startFlow('kafka');
    kafka = new Kafka({ clientId: 'e2e', brokers: (process.env.KAFKA_BROKERS as string).split(','), logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await flow?.stop();
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
      const deadline = Date.now() + 20_000;
      while (responses.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
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
