import { Logger } from '@nestjs/common';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { CloudEventValidationError, parseKafka, type CloudEvent } from '@seldon-eventing/cloudevents';
import { deadLetterEvent, isRetryable, retryPolicy, type DeliveryFailure, type RetryPolicy } from '@seldon-eventing/eventing';
import type { BrokerRef, DeliveryHandler, Subscription } from '../bus';
import type { AttemptOutcome } from '../delivery/attempt';
import { ConcurrencyLimit } from '../delivery/concurrency-limit';
import { deliverWithRetries } from '../delivery/retry';
import { TimeoutError, withTimeout } from '../delivery/timeout';
import { DeliveryError } from '../errors';
import { keepAlive } from './keep-alive';
import { brokerTopic, deliveryOrder, triggerGroup, type DeliveryOrder } from './naming';

const HEARTBEAT_INTERVAL_MS = 1_000;

export interface TriggerConsumerOptions {
  /** Deliveries of an unordered Trigger in flight at once, across its partitions. */
  maxInFlight: number;
  /** Partitions whose batches are worked on at once. */
  partitionsConcurrently: number;
  fromBeginning: boolean;
  /** How long the group waits for a silent consumer (killed, stuck) before handing its partitions to others. */
  sessionTimeoutMs: number;
  /** Commits a new group's starting offsets, so nothing produced after start() is skipped. */
  initializeGroup(groupId: string, topic: string, fromBeginning: boolean): Promise<void>;
  /** Produces an event to a broker's topic, or a dead letter to a topic; resolves on ack. */
  produce(event: CloudEvent, target: BrokerRef | { topic: string }): Promise<void>;
  /** Delivers a dead letter to an HTTP sink; resolves on a 2xx. */
  deliverHttp(url: URL, event: CloudEvent): Promise<AttemptOutcome>;
}

/**
 * Consumes one Trigger's events, as the Knative Kafka Broker's dispatcher does: its own consumer
 * group on the broker topic, filtering locally, delivering to the in-process handler.
 *
 * 1. Parse each record (an unparsable record is logged and skipped: it can never succeed).
 * 2. Filter; a non-matching event is simply acknowledged.
 * 3. Deliver with the Trigger's retry policy, heartbeating meanwhile so that long retries do not
 *    cost the group membership; a reply is produced to the broker topic.
 * 4. After retries, dead-letter the event (HTTP sink or topic) with the knativeerror* extensions.
 * 5. Only then resolve the offset: at-least-once. Ordered Triggers take a partition's events one
 *    at a time; unordered ones up to maxInFlight at once across partitions.
 */
export class TriggerConsumer {
  private readonly log: Logger;
  private readonly consumer: Consumer;
  private readonly topic: string;
  private readonly policy: RetryPolicy;
  private readonly order: DeliveryOrder;
  private readonly broker: BrokerRef;
  private readonly abort = new AbortController();
  private readonly groupId: string;
  private readonly inFlight: ConcurrencyLimit;

  constructor(
    kafka: Kafka,
    private readonly subscription: Subscription,
    private readonly handler: DeliveryHandler,
    private readonly options: TriggerConsumerOptions,
  ) {
    const { trigger } = subscription;
    this.log = new Logger(`trigger ${trigger.namespace}/${trigger.name}`);
    this.broker = { namespace: trigger.namespace, name: trigger.broker };
    this.topic = brokerTopic(this.broker);
    this.policy = retryPolicy(subscription.delivery);
    this.order = deliveryOrder(trigger.annotations);
    this.groupId = triggerGroup(trigger.namespace, trigger.name);
    this.inFlight = new ConcurrencyLimit(options.maxInFlight);
    this.consumer = kafka.consumer({
      groupId: this.groupId,
      // Return fetches as soon as a record arrives; the wait only bounds idle polling.
      maxWaitTimeInMs: 50,
      minBytes: 1,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      rebalanceTimeout: options.sessionTimeoutMs,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5_000 },
    });
  }

  /** Resolves once the group is joined and partitions are assigned. */
  async start(): Promise<void> {
    await this.options.initializeGroup(this.groupId, this.topic, this.options.fromBeginning);
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: this.options.fromBeginning });
    const joined = new Promise<void>((resolve) => {
      const remove = this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        remove();
        resolve();
      });
    });
    await this.consumer.run({
      autoCommit: true,
      autoCommitInterval: 500,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
    await joined;
    this.log.log(`consuming ${this.topic} as ${this.groupId} (${this.order})`);
  }

  /** Abandons retry waits (those events are redelivered later), lets in-flight work finish, commits. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.consumer.disconnect();
  }

  private async consumeBatch(payload: EachBatchPayload): Promise<void> {
    const stopBeating = keepAlive(payload.heartbeat, HEARTBEAT_INTERVAL_MS);
    try {
      await this.deliverBatch(payload);
    } finally {
      stopBeating();
    }
  }

  private async deliverBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const messages = batch.messages;
    if (this.order === 'ordered') {
      for (const message of messages) {
        if (!isRunning() || isStale() || this.abort.signal.aborted) break;
        if (!(await this.process(message))) break;
        resolveOffset(message.offset);
        await heartbeat();
      }
    } else {
      // Completed offsets are resolved as a contiguous prefix so a crash never skips an event.
      const done = new Array<boolean>(messages.length).fill(false);
      let next = 0;
      let failed = false;
      let cursor = 0;
      const worker = async () => {
        while (cursor < messages.length && !failed && isRunning() && !isStale() && !this.abort.signal.aborted) {
          const index = cursor++;
          if (!(await this.inFlight.run(() => this.process(messages[index])))) {
            failed = true;
            return;
          }
          done[index] = true;
          while (next < messages.length && done[next]) resolveOffset(messages[next++].offset);
        }
      };
      const workers = Math.min(this.options.maxInFlight, messages.length);
      await Promise.all(Array.from({ length: workers }, worker));
      await heartbeat();
    }
    await commitOffsetsIfNecessary();
  }

  /** True when the record is done with (delivered, filtered out, dead-lettered or unreadable). */
  private async process(message: KafkaMessage): Promise<boolean> {
    let event: CloudEvent;
    try {
      event = parseKafka({ key: message.key, value: message.value, headers: message.headers as Record<string, Buffer> });
    } catch (err) {
      if (!(err instanceof CloudEventValidationError)) throw err;
      this.log.warn(`skipping record at offset ${message.offset}: not a valid CloudEvent (${err.message})`);
      return true;
    }
    if (!this.subscription.filter(event)) return true;
    const trigger = this.subscription.trigger;
    const outcome = await deliverWithRetries(this.policy, (attempt) => this.attempt(event, attempt), this.abort.signal);
    if (outcome.kind === 'aborted') return false;
    if (outcome.kind === 'delivered') {
      if (outcome.reply) await this.options.produce(outcome.reply, this.broker);
      return true;
    }
    return this.deadLetter(event, outcome.failure, trigger.name);
  }

  private async attempt(event: CloudEvent, attempt: number): Promise<AttemptOutcome> {
    // Dead letters name the Trigger's subscriber, as the Knative Kafka Broker's do.
    const { subscriber, trigger } = this.subscription;
    const destination = subscriber?.href ?? `trigger ${trigger.namespace}/${trigger.name}`;
    try {
      const reply = await withTimeout(this.handler(event, { trigger: this.subscription.trigger, attempt }), this.policy.timeoutMs, 'no outcome');
      return { ok: true, reply };
    } catch (err) {
      const status = err instanceof DeliveryError ? err.status : err instanceof TimeoutError ? 408 : 500;
      const body = err instanceof DeliveryError ? err.body : undefined;
      return { ok: false, retryable: isRetryable(status), failure: { destination, status, body, message: (err as Error).message } };
    }
  }

  private async deadLetter(event: CloudEvent, failure: DeliveryFailure, trigger: string): Promise<boolean> {
    const target = this.subscription.deadLetter;
    if (!target) {
      this.log.warn(`event ${event.id} dropped after ${this.policy.attempts} attempt(s), no dead-letter sink: ${failure.message ?? failure.status}`);
      return true;
    }
    const letter = deadLetterEvent(event, failure);
    if ('topic' in target) {
      await this.options.produce(letter, target);
      return true;
    }
    const outcome = await deliverWithRetries(this.policy, () => this.options.deliverHttp(target.url, letter), this.abort.signal);
    if (outcome.kind === 'delivered') return true;
    // Not committing keeps the event: it is retried when the group next reads this partition.
    const reason = outcome.kind === 'failed' ? (outcome.failure.message ?? outcome.failure.status) : 'shutdown';
    throw new Error(`dead-letter sink ${target.url.href} refused event ${event.id} for trigger ${trigger}: ${reason}`);
  }
}
