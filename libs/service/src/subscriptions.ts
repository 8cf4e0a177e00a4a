import { Logger } from '@nestjs/common';
import { compileFilter, ResolutionError, type Destination, type Trigger } from '@seldon-eventing/eventing';
import type { DeadLetterTarget, Subscription } from '@seldon-eventing/transport';
import type { EventingRuntime } from './eventing-runtime';

/** Decides whether this service serves a Trigger, given where its subscriber resolves to. */
export type TriggerSelector = (trigger: Trigger, subscriber: URL) => boolean;

const log = new Logger('Subscriptions');

/**
 * The Triggers this service serves, ready for a bus. A Trigger whose subscriber cannot be
 * resolved is left out with a warning (another service may still serve the rest); one whose
 * filter cannot be compiled stops start-up, because silently dropping its events would be worse.
 */
export function planSubscriptions(runtime: EventingRuntime, select: TriggerSelector): Subscription[] {
  const subscriptions: Subscription[] = [];
  for (const trigger of runtime.config.triggers) {
    let subscriber: URL;
    try {
      subscriber = runtime.resolver.resolve(trigger.subscriber, trigger.namespace);
    } catch (err) {
      if (!(err instanceof ResolutionError)) throw err;
      log.warn(`trigger ${trigger.namespace}/${trigger.name} skipped: ${err.message}`);
      continue;
    }
    if (!select(trigger, subscriber)) continue;
    const delivery = runtime.config.deliveryOf(trigger);
    subscriptions.push({
      trigger,
      subscriber,
      filter: compileFilter(trigger),
      delivery,
      deadLetter: delivery?.deadLetterSink && deadLetterTarget(runtime, delivery.deadLetterSink, trigger.namespace),
    });
  }
  return subscriptions;
}

const localSubscribers = new WeakMap<Trigger, URL>();

/**
 * Where a Trigger's subscriber is reached from here (its resolved address, mapped to a local one),
 * worked out once per Trigger: delivery handlers ask for it with every event.
 */
export function localSubscriberOf(runtime: EventingRuntime, trigger: Trigger): URL {
  let url = localSubscribers.get(trigger);
  if (!url) {
    url = runtime.addresses.toLocal(runtime.resolver.resolve(trigger.subscriber, trigger.namespace));
    localSubscribers.set(trigger, url);
  }
  return url;
}

/** A KafkaSink reference names a topic; anything else resolves to an HTTP sink. */
export function deadLetterTarget(runtime: EventingRuntime, sink: Destination, namespace: string): DeadLetterTarget {
  if (sink.ref?.kind === 'KafkaSink') {
    const obj = runtime.config.find('KafkaSink', sink.ref.namespace ?? namespace, sink.ref.name);
    const topic = obj?.spec?.topic;
    if (typeof topic !== 'string' || topic === '') {
      throw new ResolutionError(`KafkaSink ${sink.ref.namespace ?? namespace}/${sink.ref.name} is not defined or has no spec.topic`);
    }
    return { topic };
  }
  return { url: runtime.addresses.toLocal(runtime.resolver.resolve(sink, namespace)) };
}

/** Selects the Triggers whose subscriber is the Kubernetes Service `<name>.<namespace>`. */
export function servedByService(name: string, namespace: string, clusterDomain = 'cluster.local'): TriggerSelector {
  const host = `${name}.${namespace}.svc.${clusterDomain}`;
  return (_trigger, subscriber) => subscriber.hostname === host;
}

/** This service's own Triggers: SERVICE_NAME / SERVICE_NAMESPACE name its Kubernetes Service. */
export function servedByThisService(defaultName: string, env: NodeJS.ProcessEnv = process.env): TriggerSelector {
  return servedByService(env.SERVICE_NAME || defaultName, env.SERVICE_NAMESPACE || 'default', env.CLUSTER_DOMAIN || 'cluster.local');
}
