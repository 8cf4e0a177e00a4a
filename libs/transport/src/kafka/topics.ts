import type { Admin } from 'kafkajs';

/** Creates broker topics on first use, once per process. */
export class TopicRegistry {
  private readonly ready = new Map<string, Promise<void>>();

  constructor(
    private readonly admin: Admin,
    private readonly partitions: number,
    private readonly replicationFactor: number,
  ) {}

  ensure(topic: string): Promise<void> {
    let pending = this.ready.get(topic);
    if (!pending) {
      pending = this.create(topic).catch((err) => {
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
}
