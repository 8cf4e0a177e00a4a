import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import type { CompiledTrigger } from '@seldon-eventing/eventing';
import {
  INFERENCE_SERVICE_KIND,
  deploymentUrl,
  inferenceServiceUrl,
  parseIngressPath,
  parseRequestType,
  SELDON_DEPLOYMENT_KIND,
  type DeploymentName,
} from '@seldon-eventing/seldon';
import { Topology } from '@seldon-eventing/topology';

/** The predictor an answer is named after: a SeldonDeployment, or an InferenceService (`kind`). */
export interface PredictorName extends DeploymentName {
  kind?: typeof INFERENCE_SERVICE_KIND;
}

/** Which predictor to call for an event, and which deployment its answer is named after. */
export interface PredictorTarget {
  url: URL;
  name: PredictorName;
}

/**
 * Finds the predictor for a delivery. With the Trigger known, its subscriber decides (a
 * SeldonDeployment's address, an InferenceService's with its protocol's path, or an override
 * URI); without one, the event type names the deployment. The deployment's name comes from the
 * reference, else the ingress path, else the type.
 */
@Injectable()
export class PredictorTargets {
  /** Per Trigger, what its subscriber names (if anything) and the URL to call: worked out once, asked with every event. */
  private readonly routes = new WeakMap<CompiledTrigger, { name: PredictorName | null; url: URL }>();

  constructor(private readonly topology: Topology) {}

  /** Undefined when nothing names a predictor: retrying will not change that. */
  find(event: CloudEvent, compiled: CompiledTrigger | undefined): PredictorTarget | undefined {
    const fromType = parseRequestType(event.type);
    if (compiled?.localSubscriber) {
      const route = this.routeOf(compiled, compiled.localSubscriber);
      const name = route.name ?? fromType;
      return name && { url: route.url, name };
    }
    if (!fromType) return undefined;
    const deployment = this.topology.deployment(fromType);
    if (!deployment) return undefined;
    return { url: this.topology.addresses.toLocal(new URL(deploymentUrl(deployment))), name: fromType };
  }

  private routeOf(compiled: CompiledTrigger, local: URL): { name: PredictorName | null; url: URL } {
    let route = this.routes.get(compiled);
    if (route === undefined) {
      const { trigger, subscriber } = compiled;
      const ref = trigger.subscriber.ref;
      // Knative resolves an InferenceService to its host (status.address.url): the path is the
      // protocol's, as KServe's model server answers it.
      const isvc = this.topology.inferenceServiceOf(compiled);
      if (isvc) route = { name: { deployment: isvc.name, namespace: isvc.namespace, kind: INFERENCE_SERVICE_KIND }, url: inferenceServiceUrl(isvc, local) };
      else if (ref?.kind === SELDON_DEPLOYMENT_KIND) route = { name: { deployment: ref.name, namespace: ref.namespace ?? trigger.namespace }, url: local };
      else route = { name: (subscriber && parseIngressPath(subscriber.pathname)) ?? null, url: local };
      this.routes.set(compiled, route);
    }
    return route;
  }
}
