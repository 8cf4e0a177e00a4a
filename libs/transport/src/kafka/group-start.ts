import type { Kafka } from 'kafkajs';

export interface PartitionOffset {
  partition: number;
  offset: string;
}

/**
 * Commits where a new consumer group starts. This is kafkajs's admin.setOffsets (a short-lived
 * member of the group seeks, which commits, then leaves) without its 5 s stall: with every
 * partition paused, its member waits the default maxWaitTimeInMs before the fetch that applies
 * the seeks, and every new Trigger paid that at start-up.
 */
export async function commitGroupStart(kafka: Kafka, groupId: string, topic: string, partitions: PartitionOffset[]): Promise<void> {
  const member = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
  await member.connect();
  try {
    await member.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const removeFetch = member.on(member.events.FETCH, () => {
        removeFetch();
        resolve();
      });
      member.on(member.events.CRASH, ({ payload }) => reject(payload.error));
      member.run({ eachBatchAutoResolve: false, eachBatch: async () => undefined }).catch(reject);
      member.pause([{ topic }]);
      for (const { partition, offset } of partitions) member.seek({ topic, partition, offset });
    });
  } finally {
    await member.disconnect();
  }
}
