import { Logger } from '@nestjs/common';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { CloudEventValidationError, parseKafka, type CloudEvent } from '@seldon-eventing/cloudevents';
import { deadLetterEvent, isRetryable, retryPolicy, type DeliveryFailure, type RetryPolicy } from '@seldon-eventing/eventing';
import type { BrokerRef, DeliveryHandler, Subscription } from '../bus';
import type { AttemptOutcome } from '../delivery/attempt';
import { ConcurrencyLimit } from '../delivery/concurrency-limit';
import { deliverWithRetries, sleep } from '../delivery/retry';
import { TimeoutError, withTimeout } from '../delivery/timeout';
import { DeliveryError } from '../errors';
import { keepAlive } from './keep-alive';
import { brokerTopic, deliveryOrder, triggerGroup, type DeliveryOrder } from './naming';
import { PartitionOffsets } from './partition-offsets';

const HEARTBEAT_INTERVAL_MS = 1_000;
/** How often finished offsets are committed: what a crash may deliver again. */
const COMMIT_INTERVAL_MS = 200;

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
 * 1. Take each record once a delivery slot is free (maxInFlight per Trigger); a full set of slots
 *    pauses fetching, heartbeating meanwhile so the group keeps the member.
 * 2. Parse it (an unparsable record is logged and skipped: it can never succeed) and filter it;
 *    a non-matching event is simply done with.
 * 3. Deliver with the Trigger's retry policy; a reply is produced to the broker topic.
 * 4. After retries, dead-letter the event (HTTP sink or topic) with the knativeerror* extensions.
 * 5. Commit a partition's offset only past records done with: at-least-once. Fetching goes on
 *    while deliveries are in flight, so one slow delivery does not hold back the others. Ordered
 *    Triggers deliver a partition's events one at a time, in offset order.
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
  private readonly slots: ConcurrencyLimit;
  /** Per partition: what was taken and is not finished; replaced at every (re)join of the group. */
  private offsets = new Map<number, PartitionOffsets>();
  /** Per partition of an ordered Trigger: the delivery the next one waits for. */
  private readonly queues = new Map<number, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private committer?: NodeJS.Timeout;

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
    this.slots = new ConcurrencyLimit(options.maxInFlight);
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
      this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        // After a rebalance, fetching resumes at the committed offsets: what was in flight
        // comes again (at-least-once), and the old bookkeeping no longer says what to commit.
        this.offsets = new Map();
        resolve();
      });
    });
    await this.consumer.run({
      // kafkajs fetches on from resolved offsets; commits are ours, past finished records only.
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently,
      eachBatch: (payload) => this.take(payload),
    });
    await joined;
    this.committer = setInterval(() => void this.commit(), COMMIT_INTERVAL_MS);
    this.log.log(`consuming ${this.topic} as ${this.groupId} (${this.order})`);
  }

  /** Abandons retry waits (those events are redelivered later), lets in-flight work finish, commits. */
  async stop(): Promise<void> {
    this.abort.abort();
    clearInterval(this.committer);
    await Promise.allSettled([...this.inFlight]);
    await this.commit();
    await this.consumer.disconnect();
  }

  private async take({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const stopBeating = keepAlive(heartbeat, HEARTBEAT_INTERVAL_MS);
    try {
      for (const message of batch.messages) {
        const release = await this.slots.acquire();
        if (!isRunning() || isStale() || this.abort.signal.aborted) {
          release();
          break;
        }
        const offsets = this.offsetsOf(batch.partition);
        const offset = Number(message.offset);
        offsets.take(offset);
        resolveOffset(message.offset);
        const delivery = this.deliverInOrder(batch.partition, () => this.process(message))
          .then(
            (done) => done && offsets.finish(offset),
            // Left unfinished, the record holds the partition's commits and comes again after a restart.
            (err: Error) => this.log.error(`record at offset ${message.offset} not delivered: ${err.stack ?? err.message}`),
          )
          .finally(release);
        this.track(delivery);
      }
    } finally {
      stopBeating();
    }
  }

  /** Unordered deliveries start at once; ordered ones wait for the partition's previous one. */
  private deliverInOrder(partition: number, deliver: () => Promise<boolean>): Promise<boolean> {
    if (this.order !== 'ordered') return deliver();
    const previous = this.queues.get(partition) ?? Promise.resolve();
    const next = previous.then(deliver, deliver);
    this.queues.set(partition, next);
    return next;
  }

  private track(delivery: Promise<unknown>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  private offsetsOf(partition: number): PartitionOffsets {
    let offsets = this.offsets.get(partition);
    if (!offsets) {
      offsets = new PartitionOffsets();
      this.offsets.set(partition, offsets);
    }
    return offsets;
  }

  private async commit(): Promise<void> {
    const current = this.offsets;
    const commits = [...current].flatMap(([partition, offsets]) => {
      const offset = offsets.toCommit();
      return offset === undefined ? [] : [{ partition, offset, offsets }];
    });
    if (commits.length === 0) return;
    try {
      await this.consumer.commitOffsets(commits.map(({ partition, offset }) => ({ topic: this.topic, partition, offset: String(offset) })));
      commits.forEach(({ offset, offsets }) => offsets.committedAt(offset));
    } catch (err) {
      // A rebalance under way refuses commits; the next member starts from the last one that landed.
      this.log.debug(`commit deferred: ${(err as Error).message}`);
    }
  }

  /** True when the record is done with (delivered, filtered out, dead-lettered or unreadable); false when shutdown cut it short. */
  private async process(message: KafkaMessage): Promise<boolean> {
    if (this.abort.signal.aborted) return false;
    let event: CloudEvent;
    try {
      event = parseKafka({ key: message.key, value: message.value, headers: message.headers as Record<string, Buffer> });
    } catch (err) {
      if (!(err instanceof CloudEventValidationError)) throw err;
      this.log.warn(`skipping record at offset ${message.offset}: not a valid CloudEvent (${err.message})`);
      return true;
    }
    if (!this.subscription.filter(event)) return true;
    const outcome = await deliverWithRetries(this.policy, (attempt) => this.attempt(event, attempt), this.abort.signal);
    if (outcome.kind === 'aborted') return false;
    if (outcome.kind === 'delivered') {
      return !outcome.reply || this.untilDone(`producing the reply to event ${event.id}`, () => this.options.produce(outcome.reply as CloudEvent, this.broker));
    }
    return this.deadLetter(event, outcome.failure);
  }

  /**
   * Repeats a step that must happen before the record counts as done (a reply or dead letter
   * reaching Kafka or its sink) until it does, or shutdown leaves the record uncommitted.
   */
  private async untilDone(what: string, step: () => Promise<unknown>): Promise<boolean> {
    for (let wait = 200; ; wait = Math.min(wait * 2, 5_000)) {
      try {
        await step();
        return true;
      } catch (err) {
        this.log.warn(`${what} failed, retrying in ${wait} ms: ${(err as Error).message}`);
      }
      if (!(await sleep(wait, this.abort.signal))) return false;
    }
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

  private async deadLetter(event: CloudEvent, failure: DeliveryFailure): Promise<boolean> {
    const target = this.subscription.deadLetter;
    if (!target) {
      this.log.warn(`event ${event.id} dropped after ${this.policy.attempts} attempt(s), no dead-letter sink: ${failure.message ?? failure.status}`);
      return true;
    }
    const letter = deadLetterEvent(event, failure);
    if ('topic' in target) return this.untilDone(`dead-lettering event ${event.id} to topic ${target.topic}`, () => this.options.produce(letter, target));
    return this.untilDone(`dead-lettering event ${event.id} to ${target.url.href}`, async () => {
      const outcome = await deliverWithRetries(this.policy, () => this.options.deliverHttp(target.url, letter), this.abort.signal);
      if (outcome.kind === 'failed') throw new Error(`the sink refused it: ${outcome.failure.message ?? outcome.failure.status}`);
      if (outcome.kind === 'aborted') throw new Error('shutting down');
    });
  }
}
