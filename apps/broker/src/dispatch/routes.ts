import type { DeliverySpec, EventFilter, Trigger } from '@seldon-eventing/eventing';
import { compileFilter, retryPolicy, type RetryPolicy } from '@seldon-eventing/eventing';
import { deadLetterTarget, predictorTriggers, type EventingRuntime } from '@seldon-eventing/service';

/** One Trigger, compiled for dispatch: what matches, where it goes, how hard to try. */
export interface Route {
  trigger: Trigger;
  filter: EventFilter;
  destination: URL;
  policy: RetryPolicy;
  deadLetter?: URL;
}

/**
 * Compiles every Trigger of every broker. Predictor Triggers are delivered through the
 * predictor-router (at Knative's per-trigger path), which calls the predictor and reports
 * the outcome as events; all others go straight to their subscriber's local address.
 */
export function compileRoutes(runtime: EventingRuntime, predictorRouter: URL): Map<string, Route[]> {
  const routes = new Map<string, Route[]>();
  for (const trigger of runtime.config.triggers) {
    const subscriber = runtime.resolver.resolve(trigger.subscriber, trigger.namespace);
    const destination = predictorTriggers(trigger, subscriber)
      ? new URL(`/triggers/${trigger.namespace}/${trigger.name}`, predictorRouter)
      : runtime.addresses.toLocal(subscriber);
    const delivery: DeliverySpec | undefined = runtime.config.deliveryOf(trigger);
    const deadLetter = delivery?.deadLetterSink ? deadLetterTarget(runtime, delivery.deadLetterSink, trigger.namespace) : undefined;
    if (deadLetter && !('url' in deadLetter)) {
      throw new Error(`trigger ${trigger.namespace}/${trigger.name}: a KafkaSink dead-letter sink needs the kafka backend`);
    }
    const key = `${trigger.namespace}/${trigger.broker}`;
    const list = routes.get(key) ?? [];
    list.push({ trigger, filter: compileFilter(trigger), destination, policy: retryPolicy(delivery), deadLetter: deadLetter?.url });
    routes.set(key, list);
  }
  return routes;
}

/** A Trigger as the event log names it: `<namespace>/<name>`. */
export function triggerKey(route: Route): string {
  return `${route.trigger.namespace}/${route.trigger.name}`;
}
