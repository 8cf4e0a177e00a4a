import type { AddressMap } from './address-map';
import type { EventingConfig } from './config';
import { retryPolicy, type RetryPolicy } from './delivery';
import { ManifestError, ResolutionError } from './errors';
import { compileFilter, type EventFilter } from './filter';
import type { DeliverySpec, Destination, Trigger } from './model';
import type { SubscriberResolver } from './resolver';

/** Where events that exhausted their retries go: an HTTP sink, or a KafkaSink's topic. */
export type DeadLetterTarget = { url: URL } | { topic: string };

/** Why a Trigger is not served: the condition Knative would report on its status. */
export interface TriggerStatus {
  ready: boolean;
  /** Set when not ready: what is wrong, for logs and `GET /triggers`. */
  reason?: string;
}

/**
 * One Trigger compiled once, at start: what every service and backend needs to serve it. A
 * Trigger that cannot be served (its subscriber or dead-letter sink does not resolve, its filter
 * or delivery spec is invalid) is kept with `status.ready` false and the reason, so that one
 * wrong Trigger never stops a service and can still be reported, as Knative marks it NotReady.
 */
export interface CompiledTrigger {
  trigger: Trigger;
  /** `<namespace>/<name>`: how logs, the broker's event log and Kafka name it. */
  key: string;
  status: TriggerStatus;
  filter: EventFilter;
  delivery?: DeliverySpec;
  retry: RetryPolicy;
  /** The subscriber's resolved (cluster) address: what dead letters name in knativeerrordest. */
  subscriber?: URL;
  /** The same address as reached from here (LOCAL_ADDRESSES applied). */
  localSubscriber?: URL;
  deadLetter?: DeadLetterTarget;
}

/** What compiling needs from the loaded manifests. */
export interface TriggerContext {
  config: EventingConfig;
  resolver: SubscriberResolver;
  addresses: AddressMap;
}

const rejectAll: EventFilter = () => false;

/** Compiles a Trigger; never throws for a Trigger's own faults (see CompiledTrigger). */
export function compileTrigger(trigger: Trigger, context: TriggerContext): CompiledTrigger {
  const key = `${trigger.namespace}/${trigger.name}`;
  const delivery = context.config.deliveryOf(trigger);
  try {
    const subscriber = context.resolver.resolve(trigger.subscriber, trigger.namespace);
    return {
      trigger,
      key,
      status: { ready: true },
      filter: compileFilter(trigger),
      delivery,
      retry: retryPolicy(delivery),
      subscriber,
      localSubscriber: context.addresses.toLocal(subscriber),
      deadLetter: delivery?.deadLetterSink && resolveDeadLetter(delivery.deadLetterSink, trigger.namespace, context),
    };
  } catch (err) {
    // Only the Trigger's own faults make it not ready; anything else is a bug and surfaces.
    if (!(err instanceof ResolutionError || err instanceof ManifestError || err instanceof RangeError)) throw err;
    return { trigger, key, status: { ready: false, reason: err.message }, filter: rejectAll, delivery, retry: { attempts: 1, backoffMs: () => 0 } };
  }
}

/** A KafkaSink reference names a topic (eventing-kafka's sink kind); anything else resolves to an HTTP sink. */
export function resolveDeadLetter(sink: Destination, namespace: string, context: TriggerContext): DeadLetterTarget {
  if (sink.ref?.kind === 'KafkaSink') {
    const ns = sink.ref.namespace ?? namespace;
    const topic = context.config.find('KafkaSink', ns, sink.ref.name)?.spec?.topic;
    if (typeof topic !== 'string' || topic === '') throw new ResolutionError(`KafkaSink ${ns}/${sink.ref.name} is not defined or has no spec.topic`);
    return { topic };
  }
  return { url: context.addresses.toLocal(context.resolver.resolve(sink, namespace)) };
}

/** Marks a compiled Trigger not ready, keeping what was compiled for reporting. */
export function notReady(compiled: CompiledTrigger, reason: string): CompiledTrigger {
  return { ...compiled, status: { ready: false, reason }, filter: rejectAll };
}
