import { Logger } from '@nestjs/common';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import { deadLetterEvent, type DeliveryFailure } from '@seldon-eventing/eventing';
import { deliverOverHttp, deliverWithRetries, sleep } from '@seldon-eventing/transport';
import { triggerKey, type Route } from './routes';
import { TriggerQueue } from './trigger-queue';
import { ttlOf, withoutTtl, withTtl } from './ttl';

export interface DispatcherOptions {
  maxInFlightPerTrigger: number;
  maxQueuedPerTrigger: number;
  /** Per-attempt timeout when a Trigger's delivery spec sets none. */
  defaultTimeoutMs: number;
}

/**
 * Where replies go: back into the broker they came from, like any new event. Rejects when the
 * reply could not be taken (not persisted), so that the original delivery is not settled.
 */
export type Reingest = (brokerKey: string, event: CloudEvent) => Promise<void>;

/** One event for one Trigger; `settled` is told when its delivery has come to an end. */
interface Job {
  event: CloudEvent;
  settled?: () => void;
}

/** How a shutdown drain went. */
export interface DrainResult {
  /** Deliveries not brought to an end: abandoned queued or retrying ones, and attempts still in flight. */
  unfinished: number;
}

/**
 * Knative's filter/dispatch half of the broker, one queue per Trigger.
 *
 * 1. Match: the event goes to every Trigger of its broker whose filter accepts it.
 * 2. Deliver: binary mode, `Prefer: reply`, `Kn-Namespace`, without the TTL, retried per the
 *    Trigger's (or Broker's) delivery spec.
 * 3. Reply: a reply event is re-ingested with the TTL decremented; at 0 it is dropped.
 * 4. Give up: the event goes to the dead-letter sink with knativeerror* extensions, or is logged.
 * 5. Settle: a delivery that came to an end (not one stopped by shutdown) is reported to its job.
 */
export class Dispatcher {
  private readonly log = new Logger('Dispatcher');
  private readonly abort = new AbortController();
  private readonly queues = new Map<Route, TriggerQueue<Job>>();
  private readonly byTrigger = new Map<string, Route>();
  private abandoned = 0;

  constructor(
    private readonly routes: Map<string, Route[]>,
    private readonly options: DispatcherOptions,
    private readonly reingest: Reingest,
  ) {
    for (const [brokerKey, list] of routes) {
      for (const route of list) {
        const deliver = (job: Job) => this.deliver(brokerKey, route, job);
        this.queues.set(route, new TriggerQueue(options.maxInFlightPerTrigger, options.maxQueuedPerTrigger, deliver));
        this.byTrigger.set(triggerKey(route), route);
      }
    }
  }

  /** The broker's Triggers whose filter accepts the event. */
  match(brokerKey: string, event: CloudEvent): Route[] {
    return (this.routes.get(brokerKey) ?? []).filter((route) => route.filter(event));
  }

  /** Whether every one of these Triggers can queue one more event. */
  hasRoom(routes: Route[]): boolean {
    return routes.every((route) => (this.queues.get(route) as TriggerQueue<Job>).hasRoom());
  }

  /** Queues a delivery, regardless of room (callers that may refuse ask hasRoom first). */
  enqueue(route: Route, event: CloudEvent, settled?: () => void): void {
    (this.queues.get(route) as TriggerQueue<Job>).push({ event, settled });
  }

  /** A Trigger by `<namespace>/<name>`, as the event log records it. */
  route(trigger: string): Route | undefined {
    return this.byTrigger.get(trigger);
  }

  /**
   * Stops for shutdown. With `finishQueued`, queued deliveries go on until the queues are empty
   * or the time is up; without, only attempts already in flight may finish. Retry waits are
   * abandoned either way once it stops.
   */
  async drain(timeoutMs: number, finishQueued: boolean): Promise<DrainResult> {
    if (!finishQueued) this.abort.abort();
    const idle = Promise.all([...this.queues.values()].map((q) => q.drained()));
    const timeUp = new AbortController();
    await Promise.race([idle, sleep(timeoutMs, timeUp.signal)]);
    timeUp.abort();
    this.abort.abort();
    const inFlight = [...this.queues.values()].reduce((sum, q) => sum + q.depth, 0);
    return { unfinished: this.abandoned + inFlight };
  }

  private async deliver(brokerKey: string, route: Route, job: Job): Promise<void> {
    const name = triggerKey(route);
    try {
      if (await this.bringToAnEnd(brokerKey, route, job.event, name)) job.settled?.();
      else this.abandoned++;
    } catch (err) {
      this.log.error(`event ${job.event.id} for trigger ${name}: ${(err as Error).stack ?? err}`);
    }
  }

  /** True when the delivery came to an end; false when shutdown stopped it first. */
  private async bringToAnEnd(brokerKey: string, route: Route, event: CloudEvent, name: string): Promise<boolean> {
    const { trigger, destination, policy } = route;
    const outbound = withoutTtl(event);
    const options = { timeoutMs: policy.timeoutMs ?? this.options.defaultTimeoutMs, namespace: trigger.namespace };
    const outcome = await deliverWithRetries(policy, () => deliverOverHttp(destination, outbound, options), this.abort.signal);
    if (outcome.kind === 'aborted') return false;
    if (outcome.kind === 'delivered') return outcome.reply ? this.forwardReply(brokerKey, event, outcome.reply, name) : true;
    return this.deadLetter(route, outbound, outcome.failure, name);
  }

  private async forwardReply(brokerKey: string, original: CloudEvent, reply: CloudEvent, trigger: string): Promise<boolean> {
    const ttl = (ttlOf(original) ?? 0) - 1;
    if (ttl <= 0) {
      this.log.warn(`reply ${reply.id} to event ${original.id} (trigger ${trigger}) dropped: TTL exhausted, likely a loop`);
      return true;
    }
    try {
      await this.reingest(brokerKey, withTtl(reply, ttl));
      return true;
    } catch (err) {
      this.log.error(`reply ${reply.id} to event ${original.id} (trigger ${trigger}) not taken: ${(err as Error).message}`);
      return false;
    }
  }

  private async deadLetter(route: Route, event: CloudEvent, failure: DeliveryFailure, trigger: string): Promise<boolean> {
    const why = `${failure.message ?? 'failed'}${failure.status ? ` (status ${failure.status})` : ''}`;
    if (!route.deadLetter) {
      this.log.warn(`event ${event.id} for trigger ${trigger} dropped after retries, no dead-letter sink: ${why}`);
      return true;
    }
    const letter = deadLetterEvent(event, failure);
    const sink = route.deadLetter;
    const outcome = await deliverWithRetries(route.policy, () => deliverOverHttp(sink, letter), this.abort.signal);
    if (outcome.kind === 'aborted') return false;
    if (outcome.kind === 'delivered') {
      this.log.log(`event ${event.id} for trigger ${trigger} dead-lettered to ${sink.href}: ${why}`);
    } else {
      this.log.error(`event ${event.id} for trigger ${trigger} lost: dead-letter sink ${sink.href} refused it too`);
    }
    return true;
  }
}
