import { notReady, type CompiledTrigger } from '@seldon-eventing/eventing';
import { PREDICTOR_ROUTER, type Topology } from '@seldon-eventing/topology';

/** One ready Trigger as the broker dispatches it: the compiled Trigger and where its events go. */
export interface Route {
  compiled: CompiledTrigger;
  destination: URL;
}

export interface BrokerRoutes {
  /** Per broker (`<namespace>/<name>`), its ready Triggers. */
  byBroker: Map<string, Route[]>;
  /** Ready Triggers that this broker cannot dispatch all the same, with why (to be logged). */
  notReady: CompiledTrigger[];
}

/**
 * The broker's dispatch plan. Predictor Triggers are delivered through the predictor-router, at
 * Knative's per-trigger path, so that the broker stays a generic Knative broker; all others go
 * straight to their subscriber's local address. A KafkaSink dead-letter sink cannot be reached
 * over HTTP, so such a Trigger is not ready here, like any other Trigger that cannot be served.
 */
export function compileRoutes(topology: Topology, predictorRouter: URL): BrokerRoutes {
  const byBroker = new Map<string, Route[]>();
  const skipped: CompiledTrigger[] = [];
  for (const compiled of topology.triggers) {
    const { trigger, localSubscriber } = compiled;
    const server = topology.servedBy(compiled);
    // Triggers that are not ready were reported when the topology was loaded.
    if (!server || !localSubscriber) continue;
    if (compiled.deadLetter && 'topic' in compiled.deadLetter) {
      skipped.push(notReady(compiled, 'a KafkaSink dead-letter sink needs the kafka backend'));
      continue;
    }
    const destination = server === PREDICTOR_ROUTER ? new URL(`/triggers/${trigger.namespace}/${trigger.name}`, predictorRouter) : localSubscriber;
    const key = `${trigger.namespace}/${trigger.broker}`;
    byBroker.set(key, [...(byBroker.get(key) ?? []), { compiled, destination }]);
  }
  return { byBroker, notReady: skipped };
}
