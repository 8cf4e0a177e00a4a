import { BaseRpcContext } from '@nestjs/microservices';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import type { CompiledTrigger } from '@seldon-eventing/eventing';
import type { DeliveryContext } from '../bus';

/** What a @MessagePattern or @EventPattern handler can ask about the delivery it is handling (`@Ctx()`). */
export class CloudEventsContext extends BaseRpcContext<[CloudEvent, DeliveryContext]> {
  getEvent(): CloudEvent {
    return this.args[0];
  }

  /** The Trigger the event was delivered for, when the backend knows it. */
  getTrigger(): CompiledTrigger | undefined {
    return this.args[1].trigger;
  }

  getAttempt(): number {
    return this.args[1].attempt;
  }
}
