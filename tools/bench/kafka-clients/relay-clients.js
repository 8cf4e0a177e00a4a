// The Kafka clients the bare relays of the Kafka ceiling can run on (docs/performance.md, "The
// Kafka client"): kafkajs, the services' client, and two others measured against it. Each gives a
// relay the same two things, configured as the services configure kafkajs:
//
//   producer(brokers, clientId) -> { sendBatch({ acks, topicMessages }), disconnect() }, the shape
//     kafka-client's batchingProducer drives (one send in flight, acks from all replicas)
//   consume(brokers, { groupId, topic, onMessage }): a new group reading the whole topic from its
//     end at start (offsets committed before it joins, by kafkajs's admin: the group's offsets are
//     the broker's, whichever client then reads them), all partitions at once, offsets committed
//     every half second; onMessage gets { value: Buffer, headers: { name: Buffer|string } }
//
// The other clients live in this folder's own node_modules (install.sh), apart from the project's.
'use strict';
const path = require('node:path');
const kafkajs = require('../kafka-client');

const PARTITIONS = 10;
const FETCH = { maxWaitMs: 50, minBytes: 1, sessionTimeoutMs: 10_000, heartbeatMs: 1_000, commitEveryMs: 500 };

/** The client's package, from this folder's node_modules, with what to do when it is missing. */
function load(name) {
  // @platformatic/kafka asks for Node 22 (engines), whose Promise.withResolvers it calls, in two
  // places; the project runs on Node 20, where that one function is all it misses. Same semantics
  // (ECMAScript 2024's Promise.withResolvers).
  Promise.withResolvers ??= function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
  try {
    return require(require.resolve(name, { paths: [__dirname] }));
  } catch (err) {
    throw new Error(`${name} is not installed (${err.message.split('\n')[0]}): run bash ${path.join(__dirname, 'install.sh')}`);
  }
}

/** Commits the topic's current end for a new group, so that its consumer starts there. */
async function commitEnds(brokers, groupId, topic) {
  const admin = kafkajs.kafkaClient(brokers, `${groupId}-admin`).admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({ groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
  } finally {
    await admin.disconnect();
  }
}

/** Resolves once `ready()` holds, polling; rejects after `timeoutMs`. */
async function until(ready, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const CLIENTS = {
  kafkajs: {
    async producer(brokers, clientId) {
      const producer = kafkajs.producerOf(kafkajs.kafkaClient(brokers, clientId));
      await producer.connect();
      return producer;
    },
    async consume(brokers, { groupId, topic, onMessage }) {
      return kafkajs.consumeFromEnd(kafkajs.kafkaClient(brokers, groupId), {
        groupId,
        topic,
        eachBatch: async ({ batch }) => batch.messages.forEach(onMessage),
      });
    },
  },

  // librdkafka through its KafkaJS-compatible API. Acks are the producer's setting there (a
  // per-send `acks` is refused); linger.ms 0 so that librdkafka adds no wait of its own to the
  // batching producer's one send in flight.
  confluent: {
    kafka(brokers, clientId) {
      const { Kafka, logLevel } = load('@confluentinc/kafka-javascript').KafkaJS;
      return new Kafka({ kafkaJS: { clientId, brokers: brokers.split(','), logLevel: logLevel.ERROR } });
    },
    async producer(brokers, clientId) {
      const producer = this.kafka(brokers, clientId).producer({ kafkaJS: { acks: -1, allowAutoTopicCreation: false }, 'linger.ms': 0 });
      await producer.connect();
      return {
        sendBatch: ({ topicMessages }) => producer.sendBatch({ topicMessages }),
        disconnect: () => producer.disconnect(),
      };
    },
    async consume(brokers, { groupId, topic, onMessage }) {
      await commitEnds(brokers, groupId, topic);
      const consumer = this.kafka(brokers, groupId).consumer({
        kafkaJS: {
          groupId,
          maxWaitTimeInMs: FETCH.maxWaitMs,
          minBytes: FETCH.minBytes,
          sessionTimeout: FETCH.sessionTimeoutMs,
          heartbeatInterval: FETCH.heartbeatMs,
          autoCommitInterval: FETCH.commitEveryMs,
        },
      });
      await consumer.connect();
      await consumer.subscribe({ topic });
      await consumer.run({ partitionsConsumedConcurrently: PARTITIONS, eachBatch: async ({ batch }) => batch.messages.forEach(onMessage) });
      await until(() => consumer.assignment().length > 0, `${groupId} to be assigned partitions`);
      return consumer;
    },
  },

  // Pure JavaScript. Keys, values and header values are passed as Buffers (strings made Buffers),
  // header names as strings; consumed headers come as a Map, made an object like kafkajs's.
  platformatic: {
    async producer(brokers, clientId) {
      const { Producer } = load('@platformatic/kafka');
      const bytes = (v) => (v === undefined || v === null ? undefined : Buffer.isBuffer(v) ? v : Buffer.from(String(v)));
      const producer = new Producer({ clientId, bootstrapBrokers: brokers.split(','), serializers: { key: bytes, value: bytes, headerKey: bytes, headerValue: bytes } });
      return {
        // Acks per send: a send without them takes the leader's alone (Producer.send sets
        // `options.acks ??= ProduceAcks.LEADER`), whatever the Producer was constructed with.
        sendBatch: ({ topicMessages }) =>
          producer.send({
            acks: -1,
            autocreateTopics: false,
            messages: topicMessages.flatMap(({ topic, messages }) => messages.map((m) => ({ topic, value: m.value, headers: m.headers }))),
          }),
        disconnect: () => producer.close(),
      };
    },
    async consume(brokers, { groupId, topic, onMessage }) {
      const { Consumer, MessagesStreamModes } = load('@platformatic/kafka');
      await commitEnds(brokers, groupId, topic);
      const consumer = new Consumer({
        groupId,
        clientId: groupId,
        bootstrapBrokers: brokers.split(','),
        sessionTimeout: FETCH.sessionTimeoutMs,
        heartbeatInterval: FETCH.heartbeatMs,
        deserializers: { headerKey: (b) => b?.toString() },
      });
      const stream = await consumer.consume({
        topics: [topic],
        mode: MessagesStreamModes.COMMITTED,
        autocommit: FETCH.commitEveryMs,
        maxWaitTime: FETCH.maxWaitMs,
        minBytes: FETCH.minBytes,
      });
      stream.on('data', (message) => onMessage({ value: message.value, headers: Object.fromEntries(message.headers) }));
      stream.on('error', (err) => console.error(`${groupId}: ${err.message}`));
      return consumer;
    },
  },
};

const CLIENT_NAMES = Object.keys(CLIENTS);

function relayClient(name) {
  const client = CLIENTS[name];
  if (!client) throw new Error(`unknown Kafka client '${name}': one of ${CLIENT_NAMES.join(', ')}`);
  return client;
}

module.exports = { relayClient, CLIENT_NAMES };
