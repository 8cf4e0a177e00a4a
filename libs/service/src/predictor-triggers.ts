import { isPredictorPath, SELDON_DEPLOYMENT_KIND } from '@seldon-eventing/seldon';
import type { TriggerSelector } from './subscriptions';

/**
 * Triggers whose subscriber is a Seldon predictor: a SeldonDeployment reference, or a URI whose
 * path is a Seldon inference path (the override form). The predictor-router serves these: it
 * calls the predictor and turns its answer into events, which plain model servers do not do.
 */
export const predictorTriggers: TriggerSelector = (trigger, subscriber) =>
  trigger.subscriber.ref?.kind === SELDON_DEPLOYMENT_KIND || isPredictorPath(subscriber.pathname);
