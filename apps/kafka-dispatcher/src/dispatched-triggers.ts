import { predictorTriggers, servedByService, type TriggerSelector } from '@seldon-eventing/service';

/** The product's services that consume their own Triggers from Kafka, as their Service names. */
export const DEFAULT_SELF_CONSUMING = ['response-publisher', 'event-display'];

/**
 * The Triggers this dispatcher delivers over HTTP: all but those served in-process elsewhere,
 * namely predictor Triggers (the predictor-router's) and those whose subscriber is one of the
 * product's self-consuming services (KAFKA_SELF_CONSUMING_SERVICES, comma-separated names).
 */
export function dispatchedTriggers(env: NodeJS.ProcessEnv = process.env): TriggerSelector {
  const names = env.KAFKA_SELF_CONSUMING_SERVICES === undefined ? DEFAULT_SELF_CONSUMING : env.KAFKA_SELF_CONSUMING_SERVICES.split(',');
  const selfConsuming = names
    .map((name) => name.trim())
    .filter(Boolean)
    .map((name) => servedByService(name, env.SERVICE_NAMESPACE || 'default', env.CLUSTER_DOMAIN || 'cluster.local'));
  return (trigger, subscriber) => !predictorTriggers(trigger, subscriber) && !selfConsuming.some((served) => served(trigger, subscriber));
}
