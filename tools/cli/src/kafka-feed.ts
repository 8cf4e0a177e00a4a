import { randomUUID } from 'node:crypto';
import { Kafka, type Admin, type Consumer, type KafkaMessage } from 'kafkajs';
import { parseKafka, type CloudEvent } from '@seldon-eventing/cloudevents';
import { kafkaConfig, transportSettings, type Log } from '@seldon-eventing/transport';
import { CliError, EXIT } from './exit-codes';
import { matchesFilter, type EventFeed, type EventFilter, type OnEvent } from './event-feed';

/** Prefix of the CLI's throwaway consumer groups: `seldon-eventing-cli-<uuid>`, deleted on close. */
export const CLI_GROUP_PREFIX = 'seldon-eventing-cli-';

export interface KafkaOptions {
  /** `host:port` list, from --kafka. */
  brokers: string[];
  /** The rest of the connection (SASL, TLS) from the KAFKA_* settings. */
  env: NodeJS.ProcessEnv;
  warn: (message: string) => void;
}

/** kafkajs's own lines: errors and warnings to stderr, so a failing connection says why. */
function kafkaClient({ brokers, env, warn }: KafkaOptions): Kafka {
  const quiet: Log = { debug: () => {}, log: () => {}, warn, error: warn };
  return new Kafka(kafkaConfig('seldon-eventing-cli', { ...transportSettings.read(env), kafkaBrokers: brokers }, () => quiet));
}

async function connectAdmin(kafka: Kafka, brokers: string[], topic: string): Promise<Admin> {
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (err) {
    throw new CliError(`cannot reach Kafka at ${brokers.join(',')}: ${(err as Error).message}`, EXIT.unreachable);
  }
  const topics = await admin.listTopics();
  if (!topics.includes(topic)) {
    await admin.disconnect();
    throw new CliError(`Kafka at ${brokers.join(',')} has no topic ${topic}`, EXIT.unreachable);
  }
  return admin;
}

/** A record's event; a record that is no CloudEvent is skipped with a warning, as a consumer of a shared topic must. */
function eventOfRecord(message: KafkaMessage, warn: (m: string) => void): CloudEvent | undefined {
  try {
    return parseKafka(message);
  } catch (err) {
    warn(`skipped a record that is not a CloudEvent (offset ${message.offset}: ${(err as Error).message})`);
    return undefined;
  }
}

/**
 * A consumer of its own that commits nothing: a unique group (so it takes every partition and
 * disturbs no Trigger's group), deleted again when it closes.
 */
async function throwawayConsumer(kafka: Kafka): Promise<{ consumer: Consumer; groupId: string; joined: Promise<void> }> {
  const groupId = `${CLI_GROUP_PREFIX}${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, allowAutoTopicCreation: false });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  return { consumer, groupId, joined };
}

async function closeConsumer(consumer: Consumer, admin: Admin, groupId: string): Promise<void> {
  await consumer.disconnect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  await admin.disconnect();
}

/**
 * Follows a broker topic (`knative-broker-<ns>-<broker>`) from its current end: resolves once
 * every partition is positioned at the end it had after the consumer joined, so an event
 * produced after that is seen.
 */
export async function followTopic(topic: string, filter: EventFilter, onEvent: OnEvent, options: KafkaOptions): Promise<EventFeed> {
  const kafka = kafkaClient(options);
  const admin = await connectAdmin(kafka, options.brokers, topic);
  const { consumer, groupId, joined } = await throwawayConsumer(kafka);
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      const event = eventOfRecord(message, options.warn);
      if (event && matchesFilter(event, filter)) onEvent(event);
    },
  });
  await joined;
  // The group starts at `latest` lazily, on its first fetch; seeking to the ends read now fixes
  // the start before anything is sent.
  for (const { partition, high } of await admin.fetchTopicOffsets(topic)) consumer.seek({ topic, partition, offset: high });
  return { close: () => closeConsumer(consumer, admin, groupId) };
}

/**
 * Every event a topic holds now, oldest first per partition, then stops (replay's source: a
 * KafkaSink dead-letter topic). Records produced while reading are left for the next run.
 */
export async function readTopic(topic: string, options: KafkaOptions): Promise<CloudEvent[]> {
  const kafka = kafkaClient(options);
  const admin = await connectAdmin(kafka, options.brokers, topic);
  const ends = new Map<number, bigint>();
  for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) if (BigInt(high) > BigInt(low)) ends.set(partition, BigInt(high));
  if (ends.size === 0) {
    await admin.disconnect();
    return [];
  }
  const { consumer, groupId } = await throwawayConsumer(kafka);
  const events: CloudEvent[] = [];
  const pending = new Set(ends.keys());
  let finished!: () => void;
  const allRead = new Promise<void>((resolve) => (finished = resolve));
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      const end = ends.get(partition);
      if (end === undefined || BigInt(message.offset) >= end) return;
      const event = eventOfRecord(message, options.warn);
      if (event) events.push(event);
      if (BigInt(message.offset) + 1n >= end) {
        pending.delete(partition);
        if (pending.size === 0) finished();
      }
    },
  });
  await allRead;
  await closeConsumer(consumer, admin, groupId);
  return events;
}
