import type { Context } from '@opentelemetry/api';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import { Gauge } from 'prom-client';
import { contextFromEvent, deliverOverHttp, eventFields, sendForTrigger, sleep, TriggerMeter, type AttemptOutcome, type Log, type Sender } from '@seldon-eventing/transport';
import type { Route } from './routes';
import { TriggerQueue } from './trigger-queue';
import { setTtl, ttlOf, withoutTtl } from './ttl';

export interface DispatcherOptions {
  maxInFlightPerTrigger: number;
  maxQueuedPerTrigger: number;
  /** Per-attempt timeout when a Trigger's delivery spec sets none. */
  defaultTimeoutMs: number;
}

/**
 * Where replies go: back into the broker they came from, like any new event. Rejects when the
 * reply could not be taken (not persisted), which fails the delivery.
 */
export type Reingest = (brokerKey: string, event: CloudEvent) => Promise<void>;

/** One event for one Trigger; `settled` is told when its delivery has come to an end. */
interface Job {
  event: CloudEvent;
  settled?: () => void;
  /** The span that took the event in; a replayed event continues its own distributed-tracing extension. */
  trace?: Context;
}

/** The dispatchers of this process whose queues /metrics reports (one, but for tests). */
const metered = new Set<Dispatcher>();

/** Read when scraped, never per event. */
new Gauge({
  name: 'trigger_queue_depth',
  help: "Events of a Trigger waiting or in delivery in the broker's queue",
  labelNames: ['namespace_name', 'broker_name', 'trigger_name'],
  collect() {
    this.reset();
    for (const dispatcher of metered) {
      for (const [route, queue] of dispatcher.queueEntries()) {
        const { trigger } = route.compiled;
        this.set({ namespace_name: trigger.namespace, broker_name: trigger.broker, trigger_name: trigger.name }, queue.depth);
      }
    }
  },
});

/** How a shutdown drain went. */
export interface DrainResult {
  /** Deliveries not brought to an end: abandoned queued or retrying ones, and attempts still in flight. */
  unfinished: number;
}

/**
 * Knative's filter/dispatch half of the broker, one bounded queue per Trigger, delivering with the
 * transport's delivery engine (`sendEvent`):
 * - to the subscriber in binary mode with `Prefer: reply` and `Kn-Namespace`, without the TTL;
 * - a reply re-ingested into the broker with the TTL decremented (dropped at 0: a loop);
 * - after retries, to the dead-letter sink, or lost.
 * A delivery that came to an end (not one stopped by shutdown) settles its job.
 */
export class Dispatcher {
  private readonly abort = new AbortController();
  private readonly queues = new Map<Route, TriggerQueue<Job>>();
  private readonly byTrigger = new Map<string, Route>();
  private readonly meters = new Map<Route, TriggerMeter>();
  private abandoned = 0;

  /** The Triggers it delivers to. */
  get triggerCount(): number {
    return this.byTrigger.size;
  }

  constructor(
    private readonly routes: Map<string, Route[]>,
    private readonly options: DispatcherOptions,
    private readonly reingest: Reingest,
    private readonly log: Log,
  ) {
    for (const [brokerKey, list] of routes) {
      for (const route of list) {
        const deliver = (job: Job) => this.deliver(brokerKey, route, job);
        this.queues.set(route, new TriggerQueue(options.maxInFlightPerTrigger, options.maxQueuedPerTrigger, deliver));
        this.byTrigger.set(route.compiled.key, route);
        this.meters.set(route, new TriggerMeter(route.compiled));
      }
    }
    metered.add(this);
  }

  /** The broker's Triggers whose filter accepts the event; the others count it as filtered out. */
  match(brokerKey: string, event: CloudEvent): Route[] {
    return (this.routes.get(brokerKey) ?? []).filter((route) => {
      if (route.compiled.filter(event)) return true;
      this.meterOf(route).filtered();
      return false;
    });
  }

  queueEntries(): IterableIterator<[Route, TriggerQueue<Job>]> {
    return this.queues.entries();
  }

  /** Whether every one of these Triggers can queue one more event. */
  hasRoom(routes: Route[]): boolean {
    return routes.every((route) => this.queueOf(route).hasRoom());
  }

  /** Queues a delivery, regardless of room (callers that may refuse ask hasRoom first). */
  enqueue(route: Route, event: CloudEvent, settled?: () => void, trace?: Context): void {
    this.queueOf(route).push({ event, settled, trace });
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
    metered.delete(this);
    return { unfinished: this.abandoned + inFlight };
  }

  private meterOf(route: Route): TriggerMeter {
    return this.meters.get(route) as TriggerMeter;
  }

  private queueOf(route: Route): TriggerQueue<Job> {
    return this.queues.get(route) as TriggerQueue<Job>;
  }

  private async deliver(brokerKey: string, route: Route, job: Job): Promise<void> {
    const { compiled, destination } = route;
    const outbound = withoutTtl(job.event);
    const http = { timeoutMs: compiled.retry.timeoutMs ?? this.options.defaultTimeoutMs, namespace: compiled.trigger.namespace };
    const sink = compiled.deadLetter && 'url' in compiled.deadLetter ? compiled.deadLetter.url : undefined;
    try {
      const options = {
        retry: compiled.retry,
        reply: (reply: CloudEvent) => this.reply(brokerKey, job.event, reply, compiled.key),
        deadLetter: sink && ((letter: CloudEvent) => deliverOverHttp(sink, letter)),
        signal: this.abort.signal,
      };
      const trace = { parent: job.trace ?? contextFromEvent(job.event), system: 'knative' as const, destination: brokerKey };
      const report = { trigger: compiled.key, log: this.log, meter: this.meterOf(route), trace };
      const outcome = await sendForTrigger(outbound, (event) => deliverOverHttp(destination, event, http), options, report);
      if (outcome.kind === 'aborted') this.abandoned++;
      else job.settled?.();
    } catch (err) {
      this.log.error(`event ${job.event.id} for trigger ${compiled.key}: ${(err as Error).stack ?? err}`, eventFields(job.event, compiled.key));
    }
  }

  /** The reply target of Knative's broker filter: the broker ingress, with the TTL one hop shorter. */
  private async reply(brokerKey: string, original: CloudEvent, reply: CloudEvent, trigger: string): ReturnType<Sender> {
    const ttl = (ttlOf(original) ?? 0) - 1;
    if (ttl <= 0) {
      this.log.warn(`reply ${reply.id} to event ${original.id} (trigger ${trigger}) dropped: TTL exhausted, likely a loop`, eventFields(original, trigger));
      return { ok: true };
    }
    try {
      // The reply was parsed from the subscriber's answer: this delivery's own to change.
      setTtl(reply, ttl);
      await this.reingest(brokerKey, reply);
      return { ok: true };
    } catch (err) {
      return { ok: false, retryable: true, failure: { destination: `broker ${brokerKey}`, status: 503, message: `reply ${reply.id} not taken: ${(err as Error).message}` } } satisfies AttemptOutcome;
    }
  }
}
