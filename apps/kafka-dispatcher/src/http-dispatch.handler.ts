import { Controller, Inject } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import type { Trigger } from '@seldon-eventing/eventing';
import { EVENTING_RUNTIME, type EventingRuntime } from '@seldon-eventing/service';
import { CloudEventsContext, deliverOverHttp, DeliveryError } from '@seldon-eventing/transport';

/**
 * Delivers a Trigger's events to its subscriber over HTTP, as the Knative Kafka Broker's
 * dispatcher does; the consumer around it filters, retries, dead-letters and commits.
 *
 * 1. Resolve the Trigger's subscriber to its local address.
 * 2. POST the event in binary mode with `Prefer: reply` and `Kn-Namespace`.
 * 3. A reply event goes back to the broker; a failure carries the subscriber's status (502 when
 *    it could not be reached), which decides whether the consumer retries.
 */
@Controller()
export class HttpDispatchHandler {
  private readonly destinations = new Map<string, URL>();

  constructor(@Inject(EVENTING_RUNTIME) private readonly runtime: EventingRuntime) {}

  @MessagePattern('*')
  async deliver(@Payload() event: CloudEvent, @Ctx() context: CloudEventsContext): Promise<CloudEvent | undefined> {
    const trigger = context.getTrigger();
    if (!trigger) throw new DeliveryError(500, `event ${event.id} arrived without its Trigger`);
    const outcome = await deliverOverHttp(this.destination(trigger), event, { namespace: trigger.namespace });
    if (outcome.ok) return outcome.reply;
    const { status, message, body } = outcome.failure;
    throw new DeliveryError(status ?? 502, message ?? 'delivery failed', body);
  }

  private destination(trigger: Trigger): URL {
    const key = `${trigger.namespace}/${trigger.name}`;
    let url = this.destinations.get(key);
    if (!url) {
      url = this.runtime.addresses.toLocal(this.runtime.resolver.resolve(trigger.subscriber, trigger.namespace));
      this.destinations.set(key, url);
    }
    return url;
  }
}
