import { Logger } from '@nestjs/common';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import { deadLetterEvent, type DeliveryFailure } from '@seldon-eventing/eventing';
import { deliverOverHttp, deliverWithRetries } from '@seldon-eventing/transport';
import type { Route } from './routes';
import { TriggerQueue } from './trigger-queue';
import { ttlOf, withoutTtl, withTtl } from './ttl';

export interface DispatcherOptions {
  maxInFlightPerTrigger: number;
  maxQueuedPerTrigger: number;
  /** Per-attempt timeout when a Trigger's delivery spec sets none. */
  defaultTimeoutMs: number;
}

/** Where replies go: back into the broker they came from, like any new event. */
export type Reingest = (brokerKey: string, event: CloudEvent) => void;

/**
 * Knative's filter/dispatch half of the broker, one queue per Trigger.
 *
 * 1. Match: the event goes to every Trigger of its broker whose filter accepts it.
 * 2. Deliver: binary mode, `Prefer: reply`, `Kn-Namespace`, without the TTL, retried per the
 *    Trigger's (or Broker's) delivery spec.
 * 3. Reply: a reply event is re-ingested with the TTL decremented; at 0 it is dropped.
 * 4. Give up: the event goes to the dead-letter sink with knativeerror* extensions, or is logged.
 */
export class Dispatcher {
  private readonly log = new Logger('Dispatcher');
  private readonly abort = new AbortController();
  private readonly queues = new Map<Route, TriggerQueue>();

  constructor(
    private readonly routes: Map<string, Route[]>,
    private readonly options: DispatcherOptions,
    private readonly reingest: Reingest,
  ) {
    for (const [brokerKey, list] of routes) {
      for (const route of list) {
        const deliver = (event: CloudEvent) => this.deliver(brokerKey, route, event);
        this.queues.set(route, new TriggerQueue(options.maxInFlightPerTrigger, options.maxQueuedPerTrigger, deliver));
      }
    }
  }

  /**
   * Queues the event for each matching Trigger. With `mayRefuse`, refuses (returns false, queues
   * nothing) when any of those Triggers is full, so the sender retries rather than half-delivers.
   */
  dispatch(brokerKey: string, event: CloudEvent, mayRefuse: boolean): boolean {
    const matched = (this.routes.get(brokerKey) ?? []).filter((route) => route.filter(event));
    const queues = matched.map((route) => this.queues.get(route) as TriggerQueue);
    if (mayRefuse && queues.some((q) => !q.hasRoom())) return false;
    for (const queue of queues) queue.push(event);
    return true;
  }

  /** Waits for queued deliveries (giving up on retry waits) so that a stop loses as little as possible. */
  async drain(): Promise<void> {
    this.abort.abort();
    await Promise.all([...this.queues.values()].map((q) => q.drained()));
  }

  private async deliver(brokerKey: string, route: Route, event: CloudEvent): Promise<void> {
    const { trigger, destination, policy } = route;
    const name = `${trigger.namespace}/${trigger.name}`;
    const outbound = withoutTtl(event);
    const options = { timeoutMs: policy.timeoutMs ?? this.options.defaultTimeoutMs, namespace: trigger.namespace };
    const outcome = await deliverWithRetries(policy, () => deliverOverHttp(destination, outbound, options), this.abort.signal);
    if (outcome.kind === 'delivered') {
      if (outcome.reply) this.forwardReply(brokerKey, event, outcome.reply, name);
      return;
    }
    if (outcome.kind === 'aborted') {
      this.log.warn(`event ${event.id} for trigger ${name}: delivery abandoned at shutdown`);
      return;
    }
    await this.deadLetter(route, outbound, outcome.failure, name);
  }

  private forwardReply(brokerKey: string, original: CloudEvent, reply: CloudEvent, trigger: string): void {
    const ttl = (ttlOf(original) ?? 0) - 1;
    if (ttl <= 0) {
      this.log.warn(`reply ${reply.id} to event ${original.id} (trigger ${trigger}) dropped: TTL exhausted, likely a loop`);
      return;
    }
    this.reingest(brokerKey, withTtl(reply, ttl));
  }

  private async deadLetter(route: Route, event: CloudEvent, failure: DeliveryFailure, trigger: string): Promise<void> {
    const why = `${failure.message ?? 'failed'}${failure.status ? ` (status ${failure.status})` : ''}`;
    if (!route.deadLetter) {
      this.log.warn(`event ${event.id} for trigger ${trigger} dropped after retries, no dead-letter sink: ${why}`);
      return;
    }
    const letter = deadLetterEvent(event, failure);
    const sink = route.deadLetter;
    const outcome = await deliverWithRetries(route.policy, () => deliverOverHttp(sink, letter), this.abort.signal);
    if (outcome.kind === 'delivered') {
      this.log.log(`event ${event.id} for trigger ${trigger} dead-lettered to ${sink.href}: ${why}`);
    } else {
      this.log.error(`event ${event.id} for trigger ${trigger} lost: dead-letter sink ${sink.href} refused it too`);
    }
  }
}
