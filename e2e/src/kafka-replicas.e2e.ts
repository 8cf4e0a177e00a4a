import { Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';
import { printedIds, troubleIn, startFlow, type Flow, type ServiceHandle } from './support/flow';
import { sendStream } from './support/stream';
import { awaitDeliveries } from './support/tally';
import { waitFor } from './support/wait';
const { SERVICES, ServiceProcess } = require('../../tools/run/services.js');

const TOPIC = 'knative-broker-default-default';
const RESPONSE = 'seldon.iris-deployment.default.response';
const OUTCOME = 'io.seldon.eventing.prediction.outcome';
const EVENTS = 300;
/** Not the Knative Kafka Broker's prefix: the groups of this suite are its own (KAFKA_CONSUMER_GROUP_PREFIX). */
const GROUP_PREFIX = 'e2e-replicas-';
/** Each replica stamps the events it emits with its number (K_CE_OVERRIDES, as Knative sources are given it). */
const stamp = (replica: string) => JSON.stringify({ extensions: { replica } });

/**
 * The kafka backend scaled out as the Helm chart's `replicas` does: two predictor-routers and two
 * response-publishers, each pair one consumer group sharing the topic's partitions. Every event
 * must be answered, and each replica must have done a share of the work: the outcome events a
 * router emitted and the response events a publisher emitted are counted by the replica number
 * each stamps on its own events, read back from the broker topic.
 */
describe('two replicas of the predictor-router and the response-publisher on the kafka backend', () => {
  let flow: Flow;
  let extra: ServiceHandle[] = [];
  let kafka: Kafka;
  let admin: Admin;
  let reader: Consumer;
  /** Replica stamps on the topic, per event type. */
  const emitted: Record<string, Record<string, number>> = { [OUTCOME]: {}, [RESPONSE]: {} };

  beforeAll(async () => {
    flow = await startFlow('kafka', { KAFKA_CONSUMER_GROUP_PREFIX: GROUP_PREFIX, K_CE_OVERRIDES: stamp('1') });
    const output = (name: string, line: string) => flow.logs.push(`${name}#2 | ${line}`);
    const second = (name: string, portEnv: string) =>
      new ServiceProcess(
        SERVICES.find((s: { name: string }) => s.name === name),
        { ...flow.env, K_CE_OVERRIDES: stamp('2'), [portEnv]: String(Number(flow.env[portEnv]) + 4) },
        output,
      );
    extra = [second('predictor-router', 'PREDICTOR_ROUTER_PORT'), second('response-publisher', 'RESPONSE_PUBLISHER_PORT')];
    for (const replica of extra) await replica.start();

    kafka = new Kafka({ clientId: 'e2e-replicas', brokers: (process.env.KAFKA_BROKERS as string).split(','), logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    reader = kafka.consumer({ groupId: `e2e-replica-reader-${Date.now()}`, maxWaitTimeInMs: 50 });
    await reader.connect();
    await reader.subscribe({ topic: TOPIC, fromBeginning: false });
    const joined = new Promise<void>((resolve) => reader.on(reader.events.GROUP_JOIN, () => resolve()));
    await reader.run({
      eachMessage: async ({ message }) => {
        const type = message.headers?.ce_type?.toString();
        const replica = message.headers?.ce_replica?.toString();
        if (type && replica && emitted[type]) emitted[type][replica] = (emitted[type][replica] ?? 0) + 1;
      },
    });
    await joined;
  });

  afterAll(async () => {
    await reader?.disconnect();
    await admin?.disconnect();
    for (const replica of extra) await replica.stop();
    await flow?.stop();
  });

  it(`${EVENTS} events: every response delivered, none lost, and both replicas of each did work`, async () => {
    for (const trigger of ['seldon-eventing-sklearn-trigger', 'seldon-response-publisher']) {
      const group = `${GROUP_PREFIX}default-${trigger}`;
      await waitFor(async () => (await admin.describeGroups([group])).groups[0].members.length === 2, { what: `two members in ${group}` });
    }

    const stream = sendStream(`${flow.entry}/`, { count: EVENTS, paceMs: 2 });
    await stream.done;
    const tally = await awaitDeliveries('two routers and two publishers', stream.sent, stream.accepted, () => printedIds(flow, RESPONSE), 60_000, () => troubleIn(flow));
    expect(stream.refused).toEqual([]);
    expect(tally).toMatchObject({ accepted: EVENTS, delivered: EVENTS, lost: 0 });

    await waitFor(() => sum(emitted[RESPONSE]) >= EVENTS, { what: () => `the reader to see ${EVENTS} responses, it saw ${JSON.stringify(emitted)}` });
    console.log(`work per replica: outcomes by router ${JSON.stringify(emitted[OUTCOME])}, responses by publisher ${JSON.stringify(emitted[RESPONSE])}`);
    for (const type of [OUTCOME, RESPONSE]) {
      expect(Object.keys(emitted[type]).sort()).toEqual(['1', '2']);
      expect(emitted[type]['1']).toBeGreaterThan(0);
      expect(emitted[type]['2']).toBeGreaterThan(0);
      expect(sum(emitted[type])).toBeGreaterThanOrEqual(EVENTS);
    }
  });
});

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
