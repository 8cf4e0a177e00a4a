import { Inject, Injectable } from '@nestjs/common';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import type { Trigger } from '@seldon-eventing/eventing';
import {
  deploymentUrl,
  parseIngressPath,
  parseRequestType,
  parseSeldonDeployment,
  SELDON_DEPLOYMENT_KIND,
  type DeploymentName,
} from '@seldon-eventing/seldon';
import { EVENTING_RUNTIME, localSubscriberOf, type EventingRuntime } from '@seldon-eventing/service';

/** Which predictor to call for an event, and which deployment its answer is named after. */
export interface PredictorTarget {
  url: URL;
  name: DeploymentName;
}

/**
 * Finds the predictor for a delivery. With the Trigger known, its subscriber decides (a
 * SeldonDeployment's address, or an override URI); without one, the event type names the
 * deployment. The deployment's name comes from the reference, else the ingress path, else the type.
 */
@Injectable()
export class PredictorTargets {
  /** Per Trigger: its predictor's local address, and the deployment its subscriber names, if any. */
  private readonly subscribers = new WeakMap<Trigger, { url: URL; name?: DeploymentName }>();

  constructor(@Inject(EVENTING_RUNTIME) private readonly runtime: EventingRuntime) {}

  /** Undefined when nothing names a predictor: retrying will not change that. */
  find(event: CloudEvent, trigger: Trigger | undefined): PredictorTarget | undefined {
    const fromType = parseRequestType(event.type);
    if (trigger) {
      const subscriber = this.subscriberOf(trigger);
      const name = subscriber.name ?? fromType;
      return name && { url: subscriber.url, name };
    }
    if (!fromType) return undefined;
    const manifest = this.runtime.config.find(SELDON_DEPLOYMENT_KIND, fromType.namespace, fromType.deployment);
    if (!manifest) return undefined;
    return { url: this.runtime.addresses.toLocal(new URL(deploymentUrl(parseSeldonDeployment(manifest)))), name: fromType };
  }

  /** Worked out once per Trigger: deliveries ask with every event. */
  private subscriberOf(trigger: Trigger): { url: URL; name?: DeploymentName } {
    let subscriber = this.subscribers.get(trigger);
    if (!subscriber) {
      const ref = trigger.subscriber.ref;
      const name =
        ref?.kind === SELDON_DEPLOYMENT_KIND
          ? { deployment: ref.name, namespace: ref.namespace ?? trigger.namespace }
          : parseIngressPath(this.runtime.resolver.resolve(trigger.subscriber, trigger.namespace).pathname);
      subscriber = { url: localSubscriberOf(this.runtime, trigger), name };
      this.subscribers.set(trigger, subscriber);
    }
    return subscriber;
  }
}
