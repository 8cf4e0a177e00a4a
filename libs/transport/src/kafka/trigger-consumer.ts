import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { Gauge } from 'prom-client';
import type { CompiledTrigger } from '@seldon-eventing/eventing';
import type { DeliveryHandler } from '../bus';
import { sleep } from '../delivery/retry';
import type { Log } from '../log';
import { beforeRejoin } from './before-rejoin';
import { InFlightLimit } from './in-flight-limit';
import { keepAlive } from './keep-alive';
import { brokerTopic, deliveryOrder, triggerGroup, type DeliveryOrder } from './naming';
import { OffsetManager } from './offset-manager';
import { RecordDispatcher, type RecordDispatcherOptions } from './record-dispatcher';

const HEARTBEAT_INTERVAL_MS = 1_000;
/** How often finished offsets are committed: what a crash may deliver again. */
const COMMIT_INTERVAL_MS = 200;
/** See the consumer's maxBytes: four of Kafka's default largest records (message.max.bytes, 1 MiB). */
const FETCH_MAX_BYTES = 4 * 1024 * 1024;
/** First wait before restarting a consumer that kafkajs gave up on; doubles up to the maximum. */
const RESTART_MS = { first: 500, max: 10_000 };

/** The consumers of this process, for /metrics. */
const running = new Set<TriggerConsumer>();

/** Read when scraped, never per record (the Knative Kafka Broker's dispatcher reports the same per partition). */
new Gauge({
  name: 'kafka_trigger_records_in_flight',
  help: "Records of a Trigger's partition taken from Kafka and not yet settled (waiting for order, in delivery, retrying)",
  labelNames: ['namespace_name', 'broker_name', 'trigger_name', 'partition'],
  collect() {
    this.reset();
    for (const consumer of running) {
      const { namespace, broker, name } = consumer.trigger;
      for (const [partition, count] of consumer.pendingByPartition()) {
        this.set({ namespace_name: namespace, broker_name: broker, trigger_name: name, partition: String(partition) }, count);
      }
    }
  },
});

export interface TriggerConsumerOptions extends Omit<RecordDispatcherOptions, 'log' | 'signal'> {
  /** Deliveries of an unordered Trigger in flight at once, across its partitions. */
  maxInFlight: number;
  /** Bytes of the values of those deliveries, at most (one larger record still goes, alone). */
  maxInFlightBytes: number;
  /** Partitions whose batches are worked on at once. */
  partitionsConcurrently: number;
  fromBeginning: boolean;
  /** How long the group waits for a silent consumer (killed, stuck) before handing its partitions to others. */
  sessionTimeoutMs: number;
  /** Prefix of the Trigger's consumer group; the Knative Kafka Broker's when undefined. */
  groupPrefix?: string;
  /** Commits a new group's starting offsets, so nothing produced after start() is skipped. */
  initializeGroup(groupId: string, topic: string, fromBeginning: boolean): Promise<void>;
  log: Log;
}

/**
 * Consumes one Trigger's events as the Knative Kafka Broker's dispatcher does: its own consumer
 * group on the broker topic, records handed to the RecordDispatcher, offsets to the OffsetManager.
 *
 * - Each record is taken once a delivery slot is free (maxInFlight and maxInFlightBytes per
 *   Trigger); a full set of slots pauses fetching, heartbeating meanwhile so that the group
 *   keeps the member. Records the Trigger passes over (another Trigger's) take no slot.
 * - Fetching goes on while deliveries are in flight, so one slow delivery does not hold back the
 *   others; ordered Triggers deliver a partition's events one at a time, in offset order.
 */
export class TriggerConsumer {
  private readonly consumer: Consumer;
  private readonly topic: string;
  private readonly order: DeliveryOrder;
  private readonly groupId: string;
  private readonly abort = new AbortController();
  private readonly slots: InFlightLimit;
  private readonly offsets: OffsetManager;
  private readonly records: RecordDispatcher;
  /** Per partition of an ordered Trigger: the delivery the next one waits for. */
  private readonly queues = new Map<number, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private removeRejoinHook?: () => void;
  readonly trigger: CompiledTrigger['trigger'];

  constructor(
    kafka: Kafka,
    compiled: CompiledTrigger,
    handler: DeliveryHandler,
    private readonly options: TriggerConsumerOptions,
  ) {
    const { trigger } = compiled;
    this.trigger = trigger;
    this.topic = brokerTopic({ namespace: trigger.namespace, name: trigger.broker });
    this.order = deliveryOrder(trigger.annotations);
    this.groupId = triggerGroup(trigger.namespace, trigger.name, options.groupPrefix);
    this.slots = new InFlightLimit({ records: options.maxInFlight, bytes: options.maxInFlightBytes });
    this.consumer = kafka.consumer({
      groupId: this.groupId,
      // Return fetches as soon as a record arrives; the wait only bounds idle polling.
      maxWaitTimeInMs: 50,
      minBytes: 1,
      // What one fetch may hold while its records wait for slots (kafkajs's default: 10 MiB); a
      // record batch larger than this still comes, alone (Kafka's fetch.max.bytes).
      maxBytes: FETCH_MAX_BYTES,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      rebalanceTimeout: options.sessionTimeoutMs,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5_000 },
    });
    this.offsets = new OffsetManager((offsets) => this.consumer.commitOffsets(offsets.map((o) => ({ topic: this.topic, ...o }))), options.log);
    this.records = new RecordDispatcher(compiled, handler, { ...options, signal: this.abort.signal });
  }

  /** Resolves once the group is joined and partitions are assigned. */
  async start(): Promise<void> {
    await this.options.initializeGroup(this.groupId, this.topic, this.options.fromBeginning);
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: this.options.fromBeginning });
    this.removeRejoinHook = beforeRejoin(this.groupId, () => this.revoke());
    // Without this, a rebalance announced by a refused heartbeat but never held (see
    // OffsetManager.stable) left the Trigger taking no record again, silently.
    this.consumer.on(this.consumer.events.HEARTBEAT, () => this.offsets.stable());
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart && !this.abort.signal.aborted) void this.restart(payload.error);
    });
    const joined = new Promise<void>((resolve) => {
      this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
        // Called before fetching resumes, so the seeks apply to the first fetch.
        const assigned = payload.memberAssignment[this.topic] ?? [];
        const resume = this.offsets.assign(assigned);
        for (const [partition, offset] of resume) this.consumer.seek({ topic: this.topic, partition, offset: String(offset) });
        resolve();
      });
    });
    await this.run();
    await joined;
    this.offsets.start(COMMIT_INTERVAL_MS);
    running.add(this);
    this.options.log.debug(`consuming ${this.topic} as ${this.groupId} (${this.order})`);
  }

  private run(): Promise<void> {
    return this.consumer.run({
      // kafkajs fetches on from resolved offsets; commits are the OffsetManager's, past finished records only.
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently,
      eachBatch: (payload) => this.consume(payload),
    });
  }

  /**
   * kafkajs restarts a crashed consumer only when the error's root cause is retriable; after any
   * other it stays stopped, and the Trigger would get nothing more while the service looks well.
   * A Trigger's consumer is restarted whatever the error, as Knative's dispatcher recreates a
   * failed consumer verticle, with backoff, until it runs again or the service stops.
   */
  private async restart(error: Error): Promise<void> {
    for (let wait = RESTART_MS.first; ; wait = Math.min(wait * 2, RESTART_MS.max)) {
      this.options.log.error(`consumer ${this.groupId} stopped (${error.message}); restarting in ${wait} ms`);
      if (!(await sleep(wait, this.abort.signal))) return;
      try {
        await this.consumer.connect();
        await this.run();
        return;
      } catch (err) {
        error = err as Error;
      }
    }
  }

  /**
   * The group rebalances and this member is about to rejoin (eventing-kafka-broker's
   * partitions-revoked handler): it takes no more records, lets those in flight finish, and
   * commits them while the group still takes its commits, so that whichever member gets a
   * partition next starts past them. Bounded well inside the rebalance timeout (the session
   * timeout here), after which the group would drop this member; a record still retrying then
   * is delivered again by the partition's next owner.
   */
  private async revoke(): Promise<void> {
    this.offsets.rebalance();
    this.options.log.debug(`group ${this.groupId} rebalancing: finishing ${this.inFlight.size} records in flight before rejoining`);
    const timer = new AbortController();
    await Promise.race([Promise.allSettled([...this.inFlight]), sleep(this.options.sessionTimeoutMs / 2, timer.signal)]);
    timer.abort();
    await this.offsets.commit();
  }

  /** Per partition owned, its records taken and not settled: the offset bookkeeping's, for the metrics. */
  pendingByPartition(): Map<number, number> {
    return this.offsets.pendingByPartition();
  }

  /** Abandons retry waits (those events are redelivered later), lets in-flight work finish, commits. */
  async stop(): Promise<void> {
    running.delete(this);
    this.removeRejoinHook?.();
    this.abort.abort();
    await Promise.allSettled([...this.inFlight]);
    await this.offsets.stop();
    await this.consumer.disconnect();
  }

  private async consume({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    // A rebalance under way: what is not taken now is fetched again after the rejoin.
    const stopped = () => !isRunning() || isStale() || this.offsets.rebalancing || this.abort.signal.aborted;
    const stopBeating = keepAlive(heartbeat, HEARTBEAT_INTERVAL_MS);
    try {
      for (const message of batch.messages) {
        if (stopped()) break;
        const event = this.records.read(message);
        if (event === undefined) {
          // Most records of the topic are another Trigger's: passed over at once, without a slot.
          this.offsets.pass(batch.partition, Number(message.offset));
          resolveOffset(message.offset);
          continue;
        }
        const release = await this.slots.acquire(message.value?.length ?? 0);
        if (stopped()) {
          release();
          break;
        }
        const finish = this.offsets.track(batch.partition, Number(message.offset));
        resolveOffset(message.offset);
        const delivery = this.inOrder(batch.partition, () => this.records.dispatch(event, message))
          .then(
            (done) => done && finish(),
            // Left unfinished, the record holds the partition's commits and comes again after a restart.
            (err: Error) => this.options.log.error(`record at offset ${message.offset} not delivered: ${err.stack ?? err.message}`),
          )
          .finally(release);
        this.trackDelivery(delivery);
      }
    } finally {
      stopBeating();
    }
  }

  /** Unordered deliveries start at once; ordered ones wait for the partition's previous one. */
  private inOrder(partition: number, deliver: () => Promise<boolean>): Promise<boolean> {
    if (this.order !== 'ordered') return deliver();
    const previous = this.queues.get(partition) ?? Promise.resolve();
    const next = previous.then(deliver, deliver);
    this.queues.set(partition, next);
    return next;
  }

  private trackDelivery(delivery: Promise<unknown>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }
}
