import type { Message, TopicMessages } from 'kafkajs';
import { byteLength } from './record-size';

interface Pending {
  topic: string;
  message: Message;
  size: number;
  resolve(): void;
  reject(err: unknown): void;
}

export interface RecordBatcherLimits {
  /** Records in one produce request, at most. */
  maxRecords: number;
  /** Bytes of keys and values in one produce request, at most (one larger record still goes alone). */
  maxBytes: number;
}

/**
 * Produces records in batches that form by themselves: an idle producer sends a record at once;
 * records that arrive while a send is in flight wait and leave together in the next one. Under
 * load that is one produce request (and one acknowledgement round trip) for many events, without
 * the fixed delay of a linger timer; and one send at a time keeps records in the order they came.
 */
export class RecordBatcher {
  private queue: Pending[] = [];
  private sending = false;

  constructor(
    private readonly send: (batch: TopicMessages[]) => Promise<unknown>,
    private readonly limits: RecordBatcherLimits,
  ) {}

  /** Resolves once Kafka acknowledged the send that carried the record. */
  add(topic: string, message: Message): Promise<void> {
    const size = byteLength(message.key) + byteLength(message.value);
    return new Promise((resolve, reject) => {
      this.queue.push({ topic, message, size, resolve, reject });
      if (!this.sending) {
        this.sending = true;
        // Records added in this same tick leave with the first one.
        queueMicrotask(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.take();
      try {
        await this.send(byTopic(batch));
        batch.forEach((p) => p.resolve());
      } catch (err) {
        batch.forEach((p) => p.reject(err));
      }
    }
    this.sending = false;
  }

  private take(): Pending[] {
    let count = 0;
    let bytes = 0;
    while (count < this.queue.length && count < this.limits.maxRecords) {
      const size = this.queue[count].size;
      if (count > 0 && bytes + size > this.limits.maxBytes) break;
      bytes += size;
      count++;
    }
    return this.queue.splice(0, count);
  }
}

function byTopic(batch: Pending[]): TopicMessages[] {
  const topics = new Map<string, Message[]>();
  for (const { topic, message } of batch) {
    const messages = topics.get(topic);
    if (messages) messages.push(message);
    else topics.set(topic, [message]);
  }
  return [...topics].map(([topic, messages]) => ({ topic, messages }));
}

