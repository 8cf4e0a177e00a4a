import { Kafka, logLevel, Partitioners, type Admin, type KafkaConfig, type Producer, type TopicMessages } from 'kafkajs';
import { Histogram } from 'prom-client';
import { toKafkaBinary, withExtensions, type CloudEvent } from '@seldon-eventing/cloudevents';
import type { CompiledTrigger } from '@seldon-eventing/eventing';
import type { BrokerRef, Bus, DeliveryHandler } from '../bus';
import { sleep } from '../delivery/retry';
import { withTimeout } from '../delivery/timeout';
import { PublishError } from '../errors';
import { deliverOverHttp } from '../knative-http/http-delivery';
import type { Log, LogFactory } from '../log';
import type { EventOverrides } from '../overrides';
import { isConnectionFailure, Reachability } from '../reachability';
import { commitGroupStart } from './group-start';
import { brokerTopic } from './naming';
import { isPermanentProduceError, isRecordTooLarge } from './produce-errors';
import { RecordBatcher } from './record-batcher';
import { recordBatchBytes, RecordTooLargeError } from './record-size';
import { retryTransient } from './retry-transient';
import { TopicRegistry } from './topics';
import { TriggerConsumer } from './trigger-consumer';
import { traceHeaders, withTraceContext } from '../tracing/trace-context';

/** Kafka's producer metrics (`request-latency`, `batch-size`) for the produce requests this service sends. */
const produceLatency = new Histogram({
  name: 'kafka_producer_request_latency_seconds',
  help: 'Time from sending a produce request (acks=all) to its acknowledgement, failures included',
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});
const produceBatchSize = new Histogram({
  name: 'kafka_producer_batch_records',
  help: 'Records in one produce request (they batch by themselves under load: see RecordBatcher)',
  buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
});

export interface KafkaBusOptions {
  kafka: KafkaConfig;
  defaultBroker: BrokerRef;
  overrides: EventOverrides;
  partitions: number;
  replicationFactor: number;
  /** Unordered Triggers: events of one batch delivered at once, at most. */
  maxInFlight: number;
  /** Bytes of the values of those events, at most. */
  maxInFlightBytes: number;
  /** Where a Trigger's new consumer group starts: Knative's default is the latest offset. */
  fromBeginning: boolean;
  /** How long a publish may wait for Kafka's acknowledgement before the caller is told 503. */
  publishTimeoutMs: number;
  /** How long a Trigger's group waits for a silent member before handing its partitions to others. */
  sessionTimeoutMs: number;
  /** Prefix of each Trigger's consumer group (Knative's `knative-trigger-` by default). */
  groupPrefix?: string;
  logger: LogFactory;
  /** How often Kafka's metadata is asked for: every healthyMs while it answers, every unhealthyMs while not. */
  probe?: { healthyMs: number; unhealthyMs: number };
}

/** Fast enough that readiness follows an outage within a few seconds; one metadata request each. */
const PROBE = { healthyMs: 2_000, unhealthyMs: 1_000 };
/** Between attempts to start the Trigger consumers while Kafka does not answer. */
const CONSUMERS_RETRY_MS = { first: 1_000, max: 10_000 };

/**
 * The kafka backend, laid out like the Knative Kafka Broker: publishing produces the event in
 * binary content mode to the broker's topic (acks from all in-sync replicas); each Trigger this
 * service serves is a consumer group of its own.
 */
export class KafkaBus implements Bus {
  readonly backend = 'kafka';
  private readonly log: Log;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly topics: TopicRegistry;
  private readonly batcher: RecordBatcher;
  private readonly consumers: TriggerConsumer[] = [];
  private readonly reachability: Reachability;
  private readonly closing = new AbortController();
  /** Triggers whose consumers are not running yet (Kafka unreachable at start). */
  private pendingTriggers = 0;
  private connected?: Promise<void>;

  constructor(private readonly options: KafkaBusOptions) {
    this.log = options.logger('KafkaBus');
    this.kafka = new Kafka(options.kafka);
    this.producer = this.kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      // A client waiting on the answer should hear 503 in seconds, not after kafkajs's long default retries.
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
    // Below Kafka's default message.max.bytes (1 MiB), which bounds one partition's batch.
    this.batcher = new RecordBatcher((topicMessages) => this.sendBatch(topicMessages), { maxRecords: 1000, maxBytes: 900_000 });
    this.admin = this.kafka.admin();
    this.topics = new TopicRegistry(this.admin, options.partitions, options.replicationFactor, this.log);
    this.reachability = this.watchKafka(options.probe ?? PROBE);
  }

  /**
   * Kafka's metadata, asked for on a timer by a client of its own (no retries, short timeouts,
   * silent: the probe's verdict is logged once per change, not kafkajs's every refusal), so that
   * readiness and the ingress know of an outage at once rather than after their own timeouts.
   */
  private watchKafka(periods: { healthyMs: number; unhealthyMs: number }): Reachability {
    const { brokers } = this.options.kafka;
    const probeClient = new Kafka({ ...this.options.kafka, logLevel: logLevel.NOTHING, connectionTimeout: 1_000, requestTimeout: 2_000, retry: { retries: 0 } });
    let admin: Admin | undefined;
    const reachability = new Reachability({
      what: `Kafka at ${Array.isArray(brokers) ? brokers.join(',') : 'KAFKA_BROKERS'}`,
      ...periods,
      log: this.log,
      probe: async () => {
        try {
          admin ??= probeClient.admin();
          await admin.connect();
          await admin.describeCluster();
        } catch (err) {
          // The next probe starts from a fresh connection.
          void admin?.disconnect().catch(() => undefined);
          admin = undefined;
          throw err;
        }
      },
    });
    void reachability.start();
    this.closing.signal.addEventListener('abort', () => {
      reachability.stop();
      void admin?.disconnect().catch(() => undefined);
    });
    return reachability;
  }

  waitingFor(): string[] {
    const problem = this.reachability.problem;
    return [...(problem ? [problem] : []), ...(this.pendingTriggers > 0 ? [`${this.pendingTriggers} of the Triggers' consumers not started`] : [])];
  }

  private connect(): Promise<void> {
    if (!this.connected) {
      this.connected = Promise.all([this.producer.connect(), this.admin.connect()]).then(
        () => undefined,
      ).catch((err) => {
        this.connected = undefined;
        throw err;
      });
    }
    return this.connected;
  }

  async publish(event: CloudEvent, broker: BrokerRef = this.options.defaultBroker): Promise<void> {
    // Known unreachable: say so now rather than after the publish timeout.
    const problem = this.reachability.problem;
    if (problem) throw new PublishError(503, problem);
    try {
      await withTimeout(this.produce(this.options.overrides(event), broker), this.options.publishTimeoutMs, 'no acknowledgement');
    } catch (err) {
      if (isConnectionFailure(err)) this.reachability.report(err);
      // Our own measure already says what is wrong and with which limit.
      const reason = err instanceof RecordTooLargeError ? err.message : `Kafka did not acknowledge the event: ${(err as Error).message}`;
      throw new PublishError(publishStatus(err), reason);
    }
  }

  /**
   * Starts the Triggers' consumers in the background and returns: with Kafka unreachable the
   * service stays up and unready (waitingFor says why), retrying, instead of failing its start.
   */
  async listen(triggers: CompiledTrigger[], handler: DeliveryHandler): Promise<void> {
    const reply: DeliveryHandler = async (event, context) => {
      const answer = await handler(event, context);
      // A reply is created in the delivery's span: it carries that trace (see withTraceContext).
      return answer && this.options.overrides(withTraceContext(answer));
    };
    this.pendingTriggers += triggers.length;
    void this.startConsumers(triggers, reply);
  }

  private async startConsumers(triggers: CompiledTrigger[], handler: DeliveryHandler): Promise<void> {
    const pending = [...triggers];
    for (let wait = CONSUMERS_RETRY_MS.first; pending.length > 0; wait = Math.min(wait * 2, CONSUMERS_RETRY_MS.max)) {
      try {
        await this.connect();
        while (pending.length > 0) {
          await this.startConsumer(pending[0], handler);
          pending.shift();
          this.pendingTriggers--;
        }
      } catch (err) {
        if (this.closing.signal.aborted) return;
        this.log.warn(`Trigger consumers not started (${pending.length} left): ${(err as Error).message}; retrying in ${wait} ms`);
        if (!(await sleep(wait, this.closing.signal))) return;
      }
    }
  }

  private async startConsumer(compiled: CompiledTrigger, handler: DeliveryHandler): Promise<void> {
    const consumer = new TriggerConsumer(this.kafka, compiled, handler, {
      maxInFlight: this.options.maxInFlight,
      maxInFlightBytes: this.options.maxInFlightBytes,
      partitionsConcurrently: this.options.partitions,
      fromBeginning: this.options.fromBeginning,
      sessionTimeoutMs: this.options.sessionTimeoutMs,
      groupPrefix: this.options.groupPrefix,
      initializeGroup: (groupId, topic, fromBeginning) => this.initializeGroup(groupId, topic, fromBeginning),
      produce: (event, target) => this.produce(event, target),
      deliverHttp: (url, event) => deliverOverHttp(url, event),
      log: this.options.logger(`trigger ${compiled.key}`),
    });
    try {
      await this.topics.ensure(brokerTopic({ namespace: compiled.trigger.namespace, name: compiled.trigger.broker }));
      await consumer.start();
    } catch (err) {
      await consumer.stop().catch(() => undefined);
      throw err;
    }
    if (this.closing.signal.aborted) await consumer.stop();
    else this.consumers.push(consumer);
  }

  async close(): Promise<void> {
    this.closing.abort();
    await Promise.all(this.consumers.map((c) => c.stop()));
    await Promise.all([this.producer.disconnect(), this.admin.disconnect()]).catch((err) => this.log.warn(`disconnect: ${err.message}`));
  }

  /**
   * A group that never committed starts where Knative's Kafka controller starts a new Trigger:
   * at the topic's end (or beginning), committed before consuming, so that an event produced
   * after the Trigger is ready is never skipped by a late offset reset.
   */
  private async initializeGroup(groupId: string, topic: string, fromBeginning: boolean): Promise<void> {
    const [committed] = await retryTransient(`reading offsets of ${groupId}`, () => this.admin.fetchOffsets({ groupId, topics: [topic] }));
    if (committed.partitions.some((p) => p.offset !== '-1')) return;
    const ends = await retryTransient(`reading the end of ${topic}`, () => this.admin.fetchTopicOffsets(topic));
    const partitions = ends.map((p) => ({ partition: p.partition, offset: fromBeginning ? p.low : p.high }));
    await retryTransient(`setting the start of ${groupId}`, () => commitGroupStart(this.kafka, groupId, topic, partitions));
  }

  private async sendBatch(topicMessages: TopicMessages[]): Promise<void> {
    produceBatchSize.observe(topicMessages.reduce((sum, t) => sum + t.messages.length, 0));
    const done = produceLatency.startTimer();
    try {
      await this.producer.sendBatch({ topicMessages, acks: -1 });
    } finally {
      done();
    }
  }

  private async produce(event: CloudEvent, target: BrokerRef | { topic: string }): Promise<void> {
    await this.connect();
    const topic = 'topic' in target ? target.topic : brokerTopic(target);
    const { maxMessageBytes } = await this.topics.ensure(topic);
    // Producing to the broker topic is this backend's broker ingress: stamp arrival as Knative's does.
    const record = toKafkaBinary(withExtensions(event, { knativearrivaltime: new Date().toISOString() }));
    // The active span's context as the record's `traceparent` header, as OpenTelemetry's Kafka
    // instrumentations write it: the consumer's delivery span continues it.
    const message = { key: record.key, value: record.value, headers: { ...record.headers, ...traceHeaders() } };
    // Known before sending: Kafka would refuse it, and the batch it travels in with it.
    const bytes = recordBatchBytes(message);
    if (bytes > maxMessageBytes) throw new RecordTooLargeError(topic, bytes, maxMessageBytes);
    await this.batcher.add(topic, message);
  }
}

/**
 * What a front door answers when Kafka did not take an event: 413 for a record over the topic's
 * limit and 502 for another error no retry can change (this service's own credentials, a missing
 * topic), since telling the client to retry would be a lie; 503 for what may pass.
 */
function publishStatus(err: unknown): number {
  if (isRecordTooLarge(err)) return 413;
  return isPermanentProduceError(err) ? 502 : 503;
}
