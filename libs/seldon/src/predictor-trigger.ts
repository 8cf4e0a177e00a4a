import type { Trigger } from '@seldon-eventing/eventing';
import { SELDON_DEPLOYMENT_KIND } from './deployment';
import { isPredictorPath } from './paths';

/**
 * Whether a Trigger's subscriber is a Seldon predictor: a SeldonDeployment reference, or a URI
 * whose path is a Seldon inference path (the override form of Seldon's Knative eventing docs).
 * Such Triggers go through the predictor-router, which calls the predictor and turns its answer
 * into events: a plain model server does not answer with CloudEvents.
 */
export function isPredictorTrigger(trigger: Trigger, subscriber: URL): boolean {
  return trigger.subscriber.ref?.kind === SELDON_DEPLOYMENT_KIND || isPredictorPath(subscriber.pathname);
}
