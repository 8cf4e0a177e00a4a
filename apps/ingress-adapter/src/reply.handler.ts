import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import { ReplyWaiter } from './reply-waiter';

/**
 * Receives the response events of the ingress-adapter's own Trigger (`ingress-adapter-replies`
 * in config/manifests) and hands them to the requests waiting for them. Every response event
 * goes to every other Trigger as well: this one only listens in.
 */
@Controller()
export class ReplyHandler {
  constructor(private readonly waiter: ReplyWaiter) {}

  @EventPattern('*')
  receive(@Payload() event: CloudEvent): void {
    this.waiter.deliver(event);
  }
}
