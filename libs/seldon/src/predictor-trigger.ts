import type { Trigger } from '@seldon-eventing/eventing';
import { SELDON_DEPLOYMENT_KIND } from './deployment';
import { INFERENCE_SERVICE_KIND, KSERVE_API_GROUP } from './inference-service';
import { isPredictorPath } from './paths';

/**
 * Whether a Trigger's subscriber is a predictor: a SeldonDeployment or KServe InferenceService
 * reference, or a URI whose path is a Seldon inference path (the override form of Seldon's Knative
 * eventing docs).
 * Such Triggers go through the predictor-router, which calls the predictor and turns its answer
 * into events: a plain model server does not answer with CloudEvents.
 */
export function isPredictorTrigger(trigger: Trigger, subscriber: URL): boolean {
  const ref = trigger.subscriber.ref;
  return (
    ref?.kind === SELDON_DEPLOYMENT_KIND ||
    (ref?.kind === INFERENCE_SERVICE_KIND && typeof ref.apiVersion === 'string' && ref.apiVersion.startsWith(`${KSERVE_API_GROUP}/`)) ||
    isPredictorPath(subscriber.pathname)
  );
}
