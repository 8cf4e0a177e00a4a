import { randomUUID } from 'node:crypto';
import { Controller, Logger } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import { isRetryable } from '@seldon-eventing/eventing';
import { outcomeEvent } from '@seldon-eventing/seldon';
import { CloudEventsContext, DeliveryError, eventFields } from '@seldon-eventing/transport';
import { PredictionBatcher } from './prediction-batcher';
import { PredictorTargets } from './predictor-targets';

/**
 * Serves the Triggers whose subscriber is a Seldon predictor.
 *
 * 1. Find the predictor (the Trigger's subscriber, or the deployment the event type names).
 * 2. Call it with the event's data and a Seldon-Puid (the event's `seldonpuid`, or a new one),
 *    merged with other events' into one call when its deployment opts into micro-batching.
 * 3. An answer retrying cannot change (2xx, or a 4xx such as a bad payload) is the outcome,
 *    replied as an event for the response-publisher.
 * 4. A predictor that is down or failing fails the delivery (502, or its retryable 4xx) so the
 *    bus retries it and finally dead-letters it; the predictor's answer goes with the failure, to
 *    be the dead letter's knativeerrordata.
 */
@Controller()
export class PredictionHandler {
  private readonly log = new Logger('PredictionHandler');

  constructor(
    private readonly targets: PredictorTargets,
    private readonly predictor: PredictionBatcher,
  ) {}

  @MessagePattern('*')
  async predict(@Payload() event: CloudEvent, @Ctx() context: CloudEventsContext): Promise<CloudEvent> {
    const target = this.targets.find(event, context.getTrigger());
    if (!target) {
      throw new DeliveryError(422, `no SeldonDeployment is addressed by event ${event.id} of type ${event.type}`);
    }
    const puid = event.extensions.seldonpuid || randomUUID();
    const contentType = event.datacontenttype ?? 'application/json';
    let response;
    try {
      response = await this.predictor.predict(target, event.data ?? Buffer.alloc(0), contentType, puid);
    } catch (err) {
      const reason = `predictor ${target.url.href} unreachable: ${(err as Error).message}`;
      this.log.warn(`event ${event.id}: ${reason}`, eventFields(event, context.getTrigger()?.key));
      throw new DeliveryError(502, reason);
    }
    if (isRetryable(response.status)) {
      this.log.warn(`predictor ${target.url.href} answered ${response.status} for event ${event.id}`, eventFields(event, context.getTrigger()?.key));
      throw new DeliveryError(
        response.status >= 500 ? 502 : response.status,
        `predictor ${target.url.href} answered ${response.status}`,
        response.body,
        header(response.headers['content-type']),
      );
    }
    return outcomeEvent({
      ...target.name,
      puid,
      path: target.url.pathname,
      status: response.status,
      body: response.body,
      contentType: header(response.headers['content-type']) ?? 'application/json',
    });
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
