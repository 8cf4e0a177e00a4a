import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import { CloudEventsContext, deliverOverHttp, DeliveryError } from '@seldon-eventing/transport';

/**
 * Delivers a Trigger's events to its subscriber over HTTP, as the Knative Kafka Broker's
 * dispatcher does; the consumer around it filters, retries, dead-letters and commits.
 *
 * 1. POST the event in binary mode with `Prefer: reply` and `Kn-Namespace` to the Trigger's
 *    subscriber, at its local address.
 * 2. A reply event goes back to the broker; a failure carries the subscriber's status (502 when
 *    it could not be reached), which decides whether the consumer retries.
 */
@Controller()
export class HttpDispatchHandler {
  @MessagePattern('*')
  async deliver(@Payload() event: CloudEvent, @Ctx() context: CloudEventsContext): Promise<CloudEvent | undefined> {
    const compiled = context.getTrigger();
    if (!compiled?.localSubscriber) throw new DeliveryError(500, `event ${event.id} arrived without its Trigger`);
    const outcome = await deliverOverHttp(compiled.localSubscriber, event, { namespace: compiled.trigger.namespace });
    if (outcome.ok) return outcome.reply;
    const { status, message, body } = outcome.failure;
    throw new DeliveryError(status ?? 502, message ?? 'delivery failed', body);
  }
}
