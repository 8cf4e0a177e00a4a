import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CloudEventValidationError, createEvent, parseHttp, type CloudEvent, type HttpHeaders } from '@seldon-eventing/cloudevents';
import {
  inferenceServiceProtocol,
  ingressPath,
  parseRequestType,
  predictorPath,
  requestType,
  SELDON_PUID_HEADER,
  SeldonPayloadError,
  validateRequest,
  type DeploymentName,
  type GatewayTarget,
  type SeldonProtocol,
} from '@seldon-eventing/seldon';
import { BUS } from '@seldon-eventing/service';
import type { CompiledTrigger } from '@seldon-eventing/eventing';
import { PREDICTOR_ROUTER, Topology } from '@seldon-eventing/topology';
import { brokerDestination, incomingContext, ingressSpan, inSpan, PublishError, withTraceContext, type BrokerRef, type Bus } from '@seldon-eventing/transport';

/** A refusal the controller answers with: status and reason. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly accepted: string[] = [],
  ) {
    super(message);
  }
}

export const INGRESS_SOURCE = 'seldon-eventing/ingress-adapter';

/**
 * For a request that waits for its answer (`Prefer: wait`): called with its one prediction
 * request event after validation and before publishing; returns the event to publish (given a
 * `seldonpuid` to be answered under, when it has none).
 */
export type AwaitReply = (event: CloudEvent) => CloudEvent;

/**
 * The product's front door: what a client sends becomes events on the bus.
 *
 * 1. The broker must be one the configuration knows (404).
 * 2. CloudEvents (binary, structured, batch) are validated; a Seldon request event's data must
 *    be a valid request of the protocol of the deployment its type names (`spec.protocol`;
 *    Seldon v1 for a deployment the manifests do not hold), so a bad payload is refused here,
 *    not later (400, naming the protocol and the field). An event of no Seldon type that a
 *    Trigger of this broker sends to a KServe InferenceService must be a valid request of that
 *    InferenceService's protocol: no type names an InferenceService, its Triggers' filters do.
 * 3. REST requests at a deployment's own protocol path under `/seldon/<namespace>/<deployment>/`
 *    (404 naming that path for another protocol's) become `seldon.<deployment>.<namespace>.request`
 *    events, carrying a given Seldon-Puid as `seldonpuid`.
 * 4. Each event is published; the answer is 202 only once the bus acknowledged all of them. A
 *    request that waits for its answer hands its one prediction request to `awaitReply` first
 *    (a batch, or an event no predictor takes, is not waited for).
 *    Each is taken in by a span continuing the request's `traceparent` (else the event's
 *    distributed-tracing extension), and carries that span's trace when it has no extension.
 */
@Injectable()
export class FrontDoor {
  /** The Triggers that send events to an InferenceService, with its protocol: worked out once. */
  private readonly inferenceServiceTriggers: { compiled: CompiledTrigger; protocol: SeldonProtocol }[];

  constructor(
    private readonly topology: Topology,
    @Inject(BUS) private readonly bus: Pick<Bus, 'publish' | 'backend'>,
  ) {
    this.inferenceServiceTriggers = topology.triggersOf(PREDICTOR_ROUTER).flatMap((compiled) => {
      const isvc = topology.inferenceServiceOf(compiled);
      return isvc ? [{ compiled, protocol: inferenceServiceProtocol(isvc) }] : [];
    });
  }

  async acceptEvents(broker: BrokerRef, headers: HttpHeaders, body: Buffer, awaitReply?: AwaitReply): Promise<string[]> {
    this.checkBroker(broker);
    let events: CloudEvent[];
    try {
      events = parseHttp({ headers, body });
    } catch (err) {
      if (err instanceof CloudEventValidationError) throw new Refusal(400, err.message);
      throw err;
    }
    if (events.length === 0) throw new Refusal(400, 'the batch holds no events');
    const predictions = events.map((event) => this.checkPredictionRequest(broker, event));
    if (awaitReply && events.length === 1 && predictions[0]) events = [awaitReply(events[0])];
    return this.publishAll(events, broker, headers);
  }

  async acceptPrediction(broker: BrokerRef, target: GatewayTarget, headers: HttpHeaders, body: Buffer, awaitReply?: AwaitReply): Promise<string> {
    this.checkBroker(broker);
    checkPayload(this.protocolServedAt(target), body);
    const puid = firstValue(headers[SELDON_PUID_HEADER]);
    const event = createEvent({
      id: randomUUID(),
      type: requestType(target),
      source: INGRESS_SOURCE,
      datacontenttype: 'application/json',
      data: body,
      extensions: puid ? { seldonpuid: puid } : undefined,
    });
    const [id] = await this.publishAll([awaitReply ? awaitReply(event) : event], broker, headers);
    return id;
  }

  /** The protocol of the deployment a request names; Seldon v1 for one the manifests do not hold. */
  private protocolOf(name: DeploymentName): SeldonProtocol {
    return this.topology.deployment(name)?.protocol ?? 'seldon';
  }

  /**
   * The protocol a gateway path is answered in: a known deployment's own, at its own path only
   * (the graph root names the model); for a deployment the manifests do not hold, the path's.
   */
  private protocolServedAt(target: GatewayTarget): SeldonProtocol {
    const sdep = this.topology.deployment(target);
    if (!sdep) return target.protocol;
    const graph = sdep.predictors[0].graphName;
    if (target.protocol !== sdep.protocol || (target.model !== undefined && target.model !== graph)) {
      const served = ingressPath(target, predictorPath(sdep.protocol, graph));
      throw new Refusal(404, `deployment ${target.namespace}/${target.deployment} speaks protocol ${sdep.protocol}: it answers ${served}, not ${ingressPath(target, target.path)}`);
    }
    return sdep.protocol;
  }

  private checkBroker(broker: BrokerRef): void {
    if (!this.topology.config.hasBroker(broker.namespace, broker.name)) {
      throw new Refusal(404, `broker ${broker.namespace}/${broker.name} does not exist`);
    }
  }

  /** Validates a prediction request's data; whether the event is one (a predictor will answer it). */
  private checkPredictionRequest(broker: BrokerRef, event: CloudEvent): boolean {
    const name = parseRequestType(event.type);
    const protocols = name
      ? [this.protocolOf(name)]
      : this.inferenceServiceTriggers
          .filter(({ compiled }) => compiled.trigger.namespace === broker.namespace && compiled.trigger.broker === broker.name && compiled.filter(event))
          .map(({ protocol }) => protocol);
    try {
      for (const protocol of new Set(protocols)) checkPayload(protocol, event.data ?? Buffer.alloc(0));
    } catch (err) {
      throw new Refusal((err as Refusal).status, `event ${event.id}: ${(err as Error).message}`);
    }
    return protocols.length > 0;
  }

  private async publishAll(events: CloudEvent[], broker: BrokerRef, headers: HttpHeaders): Promise<string[]> {
    const accepted: string[] = [];
    const destination = brokerDestination(this.bus.backend, broker);
    for (const event of events) {
      try {
        const span = ingressSpan(this.bus.backend, destination, event);
        await inSpan(span, incomingContext(headers, event), () => this.bus.publish(withTraceContext(event), broker));
      } catch (err) {
        const status = err instanceof PublishError ? err.status : 503;
        throw new Refusal(status, `event ${event.id} not accepted: ${(err as Error).message}`, accepted);
      }
      accepted.push(event.id);
    }
    return accepted;
  }
}

function checkPayload(protocol: SeldonProtocol, body: Buffer): void {
  try {
    validateRequest(protocol, body);
  } catch (err) {
    if (err instanceof SeldonPayloadError) throw new Refusal(400, err.message);
    throw err;
  }
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
