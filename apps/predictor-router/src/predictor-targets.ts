import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import type { CompiledTrigger } from '@seldon-eventing/eventing';
import {
  deploymentUrl,
  parseIngressPath,
  parseRequestType,
  parseSeldonDeployment,
  SELDON_DEPLOYMENT_KIND,
  type DeploymentName,
} from '@seldon-eventing/seldon';
import { Topology } from '@seldon-eventing/topology';

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
  /** Per Trigger, the deployment its subscriber names, if any: worked out once, asked with every event. */
  private readonly names = new WeakMap<CompiledTrigger, DeploymentName | null>();

  constructor(private readonly topology: Topology) {}

  /** Undefined when nothing names a predictor: retrying will not change that. */
  find(event: CloudEvent, compiled: CompiledTrigger | undefined): PredictorTarget | undefined {
    const fromType = parseRequestType(event.type);
    if (compiled?.localSubscriber) {
      const name = this.nameOf(compiled) ?? fromType;
      return name && { url: compiled.localSubscriber, name };
    }
    if (!fromType) return undefined;
    const manifest = this.topology.config.find(SELDON_DEPLOYMENT_KIND, fromType.namespace, fromType.deployment);
    if (!manifest) return undefined;
    return { url: this.topology.addresses.toLocal(new URL(deploymentUrl(parseSeldonDeployment(manifest)))), name: fromType };
  }

  private nameOf(compiled: CompiledTrigger): DeploymentName | undefined {
    let name = this.names.get(compiled);
    if (name === undefined) {
      const { trigger, subscriber } = compiled;
      const ref = trigger.subscriber.ref;
      name =
        ref?.kind === SELDON_DEPLOYMENT_KIND
          ? { deployment: ref.name, namespace: ref.namespace ?? trigger.namespace }
          : ((subscriber && parseIngressPath(subscriber.pathname)) ?? null);
      this.names.set(compiled, name);
    }
    return name ?? undefined;
  }
}
