import type { KafkaMessage } from 'kafkajs';
import { CloudEventValidationError, kafkaHeaderAttributes, parseKafka, type CloudEvent } from '@seldon-eventing/cloudevents';
import { isRetryable, type CompiledTrigger } from '@seldon-eventing/eventing';
import type { BrokerRef, DeliveryHandler } from '../bus';
import type { AttemptOutcome } from '../delivery/attempt';
import { sleep } from '../delivery/retry';
import { sendForTrigger, type Sender } from '../delivery/send-event';
import { TriggerMeter } from '../delivery/trigger-meter';
import { TimeoutError, withTimeout } from '../delivery/timeout';
import { DeliveryError } from '../errors';
import { eventFields, type Log } from '../log';
import { produceFailure } from './produce-errors';
import { brokerDestination } from '../tracing/spans';
import { incomingContext } from '../tracing/trace-context';

/** Produces an event to a broker's topic, or a dead letter to a KafkaSink's topic; resolves on ack. */
export type Produce = (event: CloudEvent, target: BrokerRef | { topic: string }) => Promise<void>;

export interface RecordDispatcherOptions {
  produce: Produce;
  /** Delivers a dead letter to an HTTP sink. */
  deliverHttp(url: URL, event: CloudEvent): Promise<AttemptOutcome>;
  log: Log;
  /** Shutdown: abandons retry waits, so the record stays uncommitted and comes again. */
  signal: AbortSignal;
}

/**
 * The record half of a Trigger's consumer (eventing-kafka-broker's RecordDispatcher): what one
 * record comes to, with the delivery engine's rules.
 *
 * 1. Filter it, on its headers alone in binary mode (a Trigger reading the whole topic wants
 *    few of its records: only those are parsed), else once parsed; a non-matching event is done with.
 * 2. Parse it; an unparsable record is logged and done with, since it can never succeed. (A
 *    binary-mode record the filter refuses is not validated, so not logged either.)
 * 3. Deliver it to the in-process handler (bounded by the delivery timeout), the reply produced
 *    to the broker's topic, the dead letter to the Trigger's sink (topic or HTTP).
 */
export class RecordDispatcher {
  private readonly broker: BrokerRef;
  private readonly deliver: Sender;
  private readonly reply: Sender;
  private readonly deadLetter?: Sender;
  private readonly meter: TriggerMeter;

  constructor(
    private readonly compiled: CompiledTrigger,
    handler: DeliveryHandler,
    private readonly options: RecordDispatcherOptions,
  ) {
    const { trigger } = compiled;
    this.broker = { namespace: trigger.namespace, name: trigger.broker };
    this.meter = new TriggerMeter(compiled);
    // Dead letters name the Trigger's subscriber, as the Knative Kafka Broker's do.
    const destination = compiled.subscriber?.href ?? `trigger ${compiled.key}`;
    this.deliver = (event, attempt) => this.callHandler(handler, event, attempt, destination);
    this.reply = this.producer(this.broker);
    const sink = compiled.deadLetter;
    if (sink) this.deadLetter = 'topic' in sink ? this.producer(sink) : (letter) => options.deliverHttp(sink.url, letter);
  }

  /**
   * The event of a record this Trigger delivers; undefined when the record is done with already
   * (filtered out, or not a CloudEvent). Synchronous, so that a consumer spends no delivery slot
   * and no promise on the records it passes over.
   */
  read(message: KafkaMessage): CloudEvent | undefined {
    const record = { key: message.key, value: message.value, headers: message.headers as Record<string, Buffer> };
    try {
      // Binary mode: decided on the headers; structured mode: once parsed.
      const attributes = kafkaHeaderAttributes(record);
      if (attributes && !this.compiled.filter(attributes)) return this.filteredOut();
      const event = parseKafka(record);
      return attributes || this.compiled.filter(event) ? event : this.filteredOut();
    } catch (err) {
      if (!(err instanceof CloudEventValidationError)) throw err;
      this.options.log.warn(`skipping record at offset ${message.offset}: not a valid CloudEvent (${err.message})`);
      return undefined;
    }
  }

  /** Delivers a record's event (see read). True when it is done with (delivered, dead-lettered or lost); false when shutdown cut it short. */
  async dispatch(event: CloudEvent, message: KafkaMessage): Promise<boolean> {
    const options = { retry: this.compiled.retry, reply: this.reply, deadLetter: this.deadLetter, signal: this.options.signal };
    const trace = { parent: incomingContext(message.headers, event), system: 'kafka' as const, destination: brokerDestination('kafka', this.broker) };
    const outcome = await sendForTrigger(event, this.deliver, options, { trigger: this.compiled.key, log: this.options.log, meter: this.meter, trace });
    return outcome.kind !== 'aborted';
  }

  private filteredOut(): undefined {
    this.meter.filtered();
    return undefined;
  }

  private async callHandler(handler: DeliveryHandler, event: CloudEvent, attempt: number, destination: string): Promise<AttemptOutcome> {
    try {
      const reply = await withTimeout(handler(event, { trigger: this.compiled, attempt }), this.compiled.retry.timeoutMs, 'no outcome');
      return { ok: true, reply };
    } catch (err) {
      const status = err instanceof DeliveryError ? err.status : err instanceof TimeoutError ? 408 : 500;
      const body = err instanceof DeliveryError ? err.body : undefined;
      return { ok: false, retryable: isRetryable(status), failure: { destination, status, body, message: (err as Error).message } };
    }
  }

  /**
   * Produces a reply or a dead letter. A failure no retry can change (a record over the limit)
   * fails at once, to be dead-lettered; Kafka itself being unreachable is no fault of the event,
   * so the record is held, uncommitted, until Kafka is back or shutdown (as a Kafka producer's
   * delivery.timeout.ms holds it), rather than lost.
   */
  private producer(target: BrokerRef | { topic: string }): Sender {
    return async (event) => {
      for (let wait = 200; ; wait = Math.min(wait * 2, 5_000)) {
        let failure: AttemptOutcome;
        try {
          await this.options.produce(event, target);
          return { ok: true };
        } catch (err) {
          failure = produceFailure(err, target);
        }
        if (failure.ok || !failure.retryable) return failure;
        this.options.log.warn(`event ${event.id}: ${failure.failure.message}; retrying in ${wait} ms`, eventFields(event, this.compiled.key));
        if (!(await sleep(wait, this.options.signal))) return failure;
      }
    };
  }
}
