// The bench's own kafkajs plumbing, shared by the load generator, the sink and the bare relays
// of the Kafka ceiling, so that all of them use the client the services use, configured alike.
'use strict';
const { Kafka, logLevel, Partitioners } = require('kafkajs');

/** Partitions of a topic the bench creates: the services' default (KAFKA_TOPIC_PARTITIONS). */
const PARTITIONS = 10;

function kafkaClient(brokers, clientId) {
  return new Kafka({ clientId, brokers: brokers.split(','), logLevel: logLevel.ERROR, retry: { initialRetryTime: 100, retries: 8 } });
}

/** A producer as the services configure theirs: no auto-creation, acks from all replicas per send. */
function producerOf(kafka) {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
}

/**
 * Produces as the services do (libs/transport's RecordBatcher, same limits): an idle producer
 * sends a record at once; records that come while a send is in flight leave together in the next
 * one. Returns produce(topic, message), which resolves on Kafka's acknowledgement.
 */
function batchingProducer(producer, { maxRecords = 1000, maxBytes = 900_000 } = {}) {
  const queue = [];
  let sending = false;
  const take = () => {
    let count = 0;
    let bytes = 0;
    while (count < queue.length && count < maxRecords) {
      if (count > 0 && bytes + queue[count].size > maxBytes) break;
      bytes += queue[count].size;
      count++;
    }
    return queue.splice(0, count);
  };
  const drain = async () => {
    while (queue.length > 0) {
      const batch = take();
      const topics = new Map();
      for (const { topic, message } of batch) topics.set(topic, [...(topics.get(topic) ?? []), message]);
      try {
        await producer.sendBatch({ acks: -1, topicMessages: [...topics].map(([topic, messages]) => ({ topic, messages })) });
        batch.forEach((p) => p.resolve());
      } catch (err) {
        batch.forEach((p) => p.reject(err));
      }
    }
    sending = false;
  };
  return (topic, message) =>
    new Promise((resolve, reject) => {
      queue.push({ topic, message, size: message.value ? message.value.length : 0, resolve, reject });
      if (!sending) {
        sending = true;
        queueMicrotask(drain);
      }
    });
}

async function ensureTopic(kafka, topic, partitions = PARTITIONS) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] }).catch((err) => {
        if (!/already exists/i.test(String(err.message))) throw err;
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/** Retries what Kafka calls retriable (a new topic's leaders not known yet, a coordinator moving). */
async function retrying(action, attempts = 20) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (err) {
      if (!err.retriable || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * A consumer of a new group that starts at the topic's current end, committed before it joins
 * (as the services start their Triggers), so nothing produced after this resolves is skipped.
 * `eachBatch` gets kafkajs's batch payload; offsets are committed automatically after it.
 */
async function consumeFromEnd(kafka, { groupId, topic, eachBatch }) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await retrying(() => admin.fetchTopicOffsets(topic));
    await retrying(() => admin.setOffsets({ groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) }));
  } finally {
    await admin.disconnect();
  }
  // Same fetch settings as the services' Trigger consumers.
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50, minBytes: 1, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  await consumer.connect();
  await consumer.subscribe({ topic });
  const joined = new Promise((resolve) => {
    const remove = consumer.on(consumer.events.GROUP_JOIN, () => {
      remove();
      resolve();
    });
  });
  // All partitions at once, as the services' unordered Triggers consume; offsets committed every
  // half second rather than after each batch (a round trip that would hold up the next fetch).
  await consumer.run({ eachBatch, partitionsConsumedConcurrently: PARTITIONS, autoCommitInterval: 500 });
  await joined;
  return consumer;
}

/** A record header as text (kafkajs hands them over as Buffers). */
function header(message, name) {
  const value = message.headers && message.headers[name];
  return value === undefined ? undefined : String(value);
}

module.exports = { kafkaClient, producerOf, batchingProducer, ensureTopic, consumeFromEnd, header };
