import { ConfigResourceTypes, type Admin } from 'kafkajs';
import type { Log } from '../log';

/** Kafka's default `max.message.bytes` (1 MiB + the record batch overhead). */
export const KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/** What a producer must know of a topic before it writes. */
export interface TopicInfo {
  /** The largest record batch the topic takes: its `max.message.bytes`. */
  maxMessageBytes: number;
}

/** Creates broker topics on first use and reads their record limit, once per process. */
export class TopicRegistry {
  private readonly ready = new Map<string, Promise<TopicInfo>>();

  constructor(
    private readonly admin: Admin,
    private readonly partitions: number,
    private readonly replicationFactor: number,
    private readonly log: Log,
  ) {}

  ensure(topic: string): Promise<TopicInfo> {
    let pending = this.ready.get(topic);
    if (!pending) {
      pending = this.create(topic)
        .then(() => this.describe(topic))
        .catch((err) => {
          this.ready.delete(topic);
          throw err;
        });
      this.ready.set(topic, pending);
    }
    return pending;
  }

  private async create(topic: string): Promise<void> {
    const existing = await this.admin.listTopics();
    if (existing.includes(topic)) return;
    try {
      await this.admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic, numPartitions: this.partitions, replicationFactor: this.replicationFactor }],
      });
    } catch (err) {
      // Another service created it first: that is the outcome we wanted.
      if (!/already exists/i.test(String((err as Error).message))) throw err;
    }
  }

  /** The topic's own limit (a topic setting, else the broker's message.max.bytes, as Kafka resolves it). */
  private async describe(topic: string): Promise<TopicInfo> {
    try {
      const { resources } = await this.admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }],
      });
      const value = Number(resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes')?.configValue);
      if (Number.isInteger(value) && value > 0) return { maxMessageBytes: value };
    } catch (err) {
      // Not allowed to describe configs (ACLs): Kafka itself still refuses what is too large.
      this.log.warn(`the record limit of ${topic} could not be read, assuming Kafka's default ${KAFKA_DEFAULT_MAX_MESSAGE_BYTES} bytes: ${(err as Error).message}`);
    }
    return { maxMessageBytes: KAFKA_DEFAULT_MAX_MESSAGE_BYTES };
  }
}
