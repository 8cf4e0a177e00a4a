import type { Context } from '@opentelemetry/api';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import { deadLetterEvent, type DeliveryFailure, type RetryPolicy } from '@seldon-eventing/eventing';
import { eventFields, type Log } from '../log';
import type { AttemptOutcome, RetriedStatus } from './attempt';
import type { TriggerMeter } from './trigger-meter';
import { deliverWithRetries } from './retry';
import { deliverySpan, failSpan, inSpan, type MessagingSystem } from '../tracing/spans';

/** One attempt at handing an event to a destination: a subscriber, a reply target or a dead-letter sink. */
export type Sender = (event: CloudEvent, attempt: number) => Promise<AttemptOutcome>;

export interface SendOptions {
  /** The Trigger's retry policy; it bounds the subscriber, the reply and the dead letter alike. */
  retry: RetryPolicy;
  /** Where the subscriber's reply goes (the broker it came from). Without it a reply is dropped. */
  reply?: Sender;
  /** Where the event goes once it cannot be delivered, with Knative's knativeerror* extensions. */
  deadLetter?: Sender;
  /** Shutdown: stops waiting between attempts; the event is then neither delivered nor settled. */
  signal?: AbortSignal;
}

/**
 * What a delivery came to. Every kind but `aborted` settles the event: it is not tried again.
 * `retried` holds the status of every attempt (at the subscriber, the reply target or the sink)
 * that failed and was tried again; absent when none was.
 */
export type SendOutcome = (
  /** `status`: the subscriber's answer (none from an in-process handler). */
  | { kind: 'delivered'; attempts: number; status?: number }
  | { kind: 'dead-lettered'; attempts: number; failure: DeliveryFailure }
  /** Not delivered and not dead-lettered: no sink, or the sink refused it too. */
  | { kind: 'lost'; attempts: number; failure: DeliveryFailure; deadLetterFailure?: DeliveryFailure }
  /** Cut short by shutdown: the event must come again (replayed, or redelivered from Kafka). */
  | { kind: 'aborted' }
) & { retried?: RetriedStatus[] };

/**
 * Delivers one event for one Trigger, on every backend, as Knative's
 * `SendEvent(ctx, event, destination, WithReply(..), WithDeadLetterSink(..), WithRetryConfig(..))`
 * does (pkg/kncloudevents/event_dispatcher.go):
 *
 * 1. Send to the destination with the retry policy.
 * 2. A reply goes to the reply target with the same policy; a reply that cannot be sent fails the
 *    delivery, as in Knative.
 * 3. A failed delivery goes to the dead-letter sink with the knativeerror* extensions describing
 *    the last failure, again with the same policy.
 * 4. When the sink refuses too, or there is none, the event is lost: logged and settled, never
 *    retried for ever. This is the Knative Kafka Broker's rule (the dispatcher's OffsetManager
 *    commits on `failedToSendToDeadLetterSink`), so a record that can never be delivered does
 *    not hold its partition.
 */
export async function sendEvent(event: CloudEvent, destination: Sender, options: SendOptions): Promise<SendOutcome> {
  const { retry, signal } = options;
  const sent = await deliverWithRetries(retry, (n) => destination(event, n), signal);
  let retried = sent.retried;
  if (sent.kind === 'aborted') return { kind: 'aborted', retried };
  let failure: DeliveryFailure | undefined = sent.kind === 'failed' ? sent.failure : undefined;
  if (sent.kind === 'delivered' && sent.reply && options.reply) {
    const reply = sent.reply;
    const replied = await deliverWithRetries(retry, (n) => (options.reply as Sender)(reply, n), signal);
    retried = joined(retried, replied.retried);
    if (replied.kind === 'aborted') return { kind: 'aborted', retried };
    if (replied.kind === 'failed') failure = replied.failure;
  }
  if (!failure) return { kind: 'delivered', attempts: sent.attempts, status: sent.kind === 'delivered' ? sent.status : undefined, retried };
  if (!options.deadLetter) return { kind: 'lost', attempts: sent.attempts, failure, retried };
  const sink = options.deadLetter;
  const letter = deadLetterEvent(event, failure);
  const lettered = await deliverWithRetries(retry, (n) => sink(letter, n), signal);
  retried = joined(retried, lettered.retried);
  if (lettered.kind === 'aborted') return { kind: 'aborted', retried };
  if (lettered.kind === 'failed') return { kind: 'lost', attempts: sent.attempts, failure, deadLetterFailure: lettered.failure, retried };
  return { kind: 'dead-lettered', attempts: sent.attempts, failure, retried };
}

function joined(a: RetriedStatus[] | undefined, b: RetriedStatus[] | undefined): RetriedStatus[] | undefined {
  return a && b ? [...a, ...b] : (a ?? b);
}

/** Where a Trigger's outcomes are reported: its log line, its metrics and its span. */
export interface TriggerReport {
  trigger: string;
  log: Log;
  meter: TriggerMeter;
  /** The delivery's span: its parent (what the event came with) and where it was taken from. */
  trace?: DeliveryTrace;
}

export interface DeliveryTrace {
  /** The context the delivery continues (see incomingContext). */
  parent: Context;
  system: MessagingSystem;
  /** The broker, as brokerDestination names it. */
  destination: string;
}

/**
 * Delivers one event for a Trigger and reports what it came to, once: what the broker's
 * Dispatcher and Kafka's RecordDispatcher both do for every event they deliver. With `trace`,
 * the whole delivery (attempts, reply, dead letter) is one span, active while the subscriber is
 * called, so that what it sends (HTTP headers, a reply's record headers) continues it.
 */
export async function sendForTrigger(event: CloudEvent, destination: Sender, options: SendOptions, report: TriggerReport): Promise<SendOutcome> {
  const startedAt = performance.now();
  const { trace } = report;
  const outcome = trace
    ? await inSpan(deliverySpan(trace.system, trace.destination, report.trigger, event), trace.parent, async (span) => {
        const sent = await sendEvent(event, destination, options);
        if (span.isRecording()) {
          span.setAttribute('eventing.delivery.outcome', sent.kind);
          if (sent.kind !== 'aborted') span.setAttribute('eventing.delivery.attempts', sent.attempts);
          if (sent.kind === 'dead-lettered' || sent.kind === 'lost') failSpan(span, new Error(describeFailure(sent.failure)), sent.kind);
        }
        return sent;
      })
    : await sendEvent(event, destination, options);
  logOutcome(report.log, event, report.trigger, outcome);
  report.meter.settled(outcome, startedAt);
  return outcome;
}

/** The one wording of outcomes in the logs, whichever backend delivered. */
export function logOutcome(log: Log, event: CloudEvent, trigger: string, outcome: SendOutcome): void {
  // Most events are delivered: they pay for no message or fields.
  if (outcome.kind === 'delivered' || outcome.kind === 'aborted') return;
  const subject = `event ${event.id} for trigger ${trigger}`;
  const fields = eventFields(event, trigger);
  switch (outcome.kind) {
    case 'dead-lettered':
      return log.log(`${subject} dead-lettered after ${outcome.attempts} attempt(s): ${describeFailure(outcome.failure)}`, fields);
    case 'lost':
      return log.error(
        outcome.deadLetterFailure
          ? `${subject} lost: ${describeFailure(outcome.failure)}, and the dead-letter sink refused it too: ${describeFailure(outcome.deadLetterFailure)}`
          : `${subject} lost after ${outcome.attempts} attempt(s), no dead-letter sink: ${describeFailure(outcome.failure)}`,
        fields,
      );
  }
}

function describeFailure(failure: DeliveryFailure): string {
  const status = failure.status === undefined ? '' : ` (status ${failure.status})`;
  return `${failure.destination}: ${failure.message ?? 'failed'}${status}`;
}
