import { EventEmitter } from 'node:events';
import { KafkaJSProtocolError, type EachBatchPayload, type Kafka } from 'kafkajs';
import { createEvent, toKafkaBinary } from '@seldon-eventing/cloudevents';
import { compileFilter, retryPolicy, type CompiledTrigger, type Trigger } from '@seldon-eventing/eventing';
import { TriggerConsumer } from './trigger-consumer';

const trigger: Trigger = { name: 'predict', namespace: 'default', broker: 'default', annotations: {}, subscriber: { uri: 'http://iris/' }, filter: {} };
const compiled: CompiledTrigger = { trigger, key: 'default/predict', status: { ready: true }, filter: compileFilter(trigger), retry: retryPolicy({}), subscriber: new URL('http://iris/') };
const TOPIC = 'knative-broker-default-default';
const EVENTS = { CRASH: 'crash', GROUP_JOIN: 'group_join', HEARTBEAT: 'heartbeat' };

/** kafkajs's consumer as far as a TriggerConsumer uses it: runs join the group with partition 0. */
class FakeConsumer extends EventEmitter {
  readonly events = EVENTS;
  runs = 0;
  connects = 0;
  commits: string[] = [];
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  async connect() {
    this.connects++;
  }
  async subscribe() {}
  async run(config: { eachBatch: (payload: EachBatchPayload) => Promise<void> }) {
    this.runs++;
    this.eachBatch = config.eachBatch;
    setImmediate(() => this.emit(EVENTS.GROUP_JOIN, { payload: { memberAssignment: { [TOPIC]: [0] } } }));
  }
  seek() {}
  async commitOffsets(offsets: { offset: string }[]) {
    this.commits.push(...offsets.map((o) => o.offset));
  }
  async disconnect() {}
}

// kafkajs's Runner, whose heartbeat is where it learns that its group rebalances.
const Runner = require('kafkajs/src/consumer/runner') as { prototype: { heartbeat(this: unknown): Promise<void> } };

/** kafkajs's runner of this Trigger's group hearing that the group rebalances (or, to kafkajs, that its coordinator moved). */
function rebalanceHeard(type = 'REBALANCE_IN_PROGRESS'): Promise<void> {
  const error = new KafkaJSProtocolError({ type, code: 27, retriable: false, message: 'rebalancing' } as never);
  const consumerGroup = { groupId: 'knative-trigger-default-predict', heartbeat: async () => Promise.reject(error) };
  return Runner.prototype.heartbeat.call({ heartbeatInterval: 0, autoCommit: false, autoCommitOffsets: async () => undefined, consumerGroup });
}

function consumerOf(handler: () => Promise<undefined> = async () => undefined) {
  const fake = new FakeConsumer();
  const errors: string[] = [];
  const consumer = new TriggerConsumer({ consumer: () => fake } as unknown as Kafka, compiled, handler, {
    maxInFlight: 4,
    maxInFlightBytes: 1_000_000,
    partitionsConcurrently: 1,
    fromBeginning: false,
    sessionTimeoutMs: 6_000,
    initializeGroup: async () => undefined,
    produce: async () => undefined,
    deliverHttp: async () => ({ ok: true }),
    log: { debug: () => undefined, log: () => undefined, warn: () => undefined, error: (m) => errors.push(m) },
  });
  return { fake, consumer, errors };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

function batchOf(offsets: number[]): EachBatchPayload {
  const event = createEvent({ id: 'e', source: 'test', type: 't' });
  const { value, headers } = toKafkaBinary(event);
  return {
    batch: { topic: TOPIC, partition: 0, messages: offsets.map((o) => ({ key: null, value, headers, offset: String(o), timestamp: '0', attributes: 0 })) },
    resolveOffset: () => undefined,
    heartbeat: async () => undefined,
    isRunning: () => true,
    isStale: () => false,
  } as unknown as EachBatchPayload;
}

describe('TriggerConsumer', () => {
  it('starts its kafkajs consumer again when kafkajs gives up on it after an error it deems final', async () => {
    const { fake, consumer, errors } = consumerOf();
    await consumer.start();
    fake.emit(EVENTS.CRASH, { payload: { error: new Error('The coordinator is not aware of this member'), restart: false } });
    await until(() => fake.runs === 2);
    expect(fake.connects).toBe(2);
    expect(errors).toEqual([expect.stringMatching(/consumer knative-trigger-default-predict stopped \(The coordinator is not aware of this member\); restarting in \d+ ms/)]);
    await consumer.stop();
  });

  it('leaves a crash that kafkajs restarts itself to kafkajs', async () => {
    const { fake, consumer, errors } = consumerOf();
    await consumer.start();
    fake.emit(EVENTS.CRASH, { payload: { error: new Error('Connection error'), restart: true } });
    await consumer.stop();
    expect({ runs: fake.runs, errors }).toEqual({ runs: 1, errors: [] });
  });

  it('commits the records of its batch on stop, once delivered', async () => {
    const { fake, consumer } = consumerOf();
    await consumer.start();
    await fake.eachBatch?.(batchOf([0, 1, 2]));
    await consumer.stop();
    expect(fake.commits.at(-1)).toBe('3');
  });

  it('takes records again after a heartbeat is accepted, when the coordinator moved without a rebalance (Kafka restarted)', async () => {
    const { fake, consumer } = consumerOf();
    await consumer.start();
    await rebalanceHeard('NOT_COORDINATOR_FOR_GROUP').catch(() => undefined);
    const taken: number[] = [];
    const take = (offsets: number[]) => fake.eachBatch?.({ ...batchOf(offsets), resolveOffset: (offset: string) => void taken.push(Number(offset)) });
    await take([0]);
    expect(taken).toEqual([]);
    // kafkajs finds the coordinator again and beats in the same generation: no rejoin, no new assignment.
    fake.emit(EVENTS.HEARTBEAT, { payload: {} });
    await take([0, 1]);
    await until(() => taken.length === 2);
    expect(taken).toEqual([0, 1]);
    await consumer.stop();
  });

  it('on a rebalance, takes no more records and commits those in flight before kafkajs rejoins', async () => {
    let answer = () => undefined as unknown;
    const answered = new Promise<undefined>((resolve) => (answer = () => resolve(undefined)));
    const { fake, consumer } = consumerOf(() => answered);
    await consumer.start();
    await fake.eachBatch?.(batchOf([0, 1]));

    const rejoin = rebalanceHeard().catch(() => 'rejoin');
    await new Promise(setImmediate);
    const taken: number[] = [];
    await fake.eachBatch?.({ ...batchOf([2, 3]), resolveOffset: (offset: string) => void taken.push(Number(offset)) });
    expect(taken).toEqual([]);
    answer();
    await expect(rejoin).resolves.toBe('rejoin');
    expect(fake.commits.at(-1)).toBe('2');
    await consumer.stop();
  });
});
