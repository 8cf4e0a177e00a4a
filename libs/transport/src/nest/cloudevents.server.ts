import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import type { Bus, DeliveryContext, Subscription } from '../bus';
import { CloudEventsContext } from './cloudevents.context';
import { TypePatternTable } from './type-pattern';

export const CLOUDEVENTS_TRANSPORT = Symbol('cloudevents');

/**
 * The Nest server strategy over a Bus: consumes the service's Triggers and invokes the
 * `@MessagePattern(<event type pattern>)` handler matching each event's type. A handler's
 * return value (a CloudEvent, or nothing) is the delivery's reply; a thrown DeliveryError fails
 * the delivery with its status so the backend retries or dead-letters it.
 */
export class CloudEventsServer extends Server implements CustomTransportStrategy {
  override readonly transportId = CLOUDEVENTS_TRANSPORT;
  private readonly log = new Logger('CloudEventsServer');
  private readonly table = new TypePatternTable<MessageHandler>();

  constructor(
    private readonly bus: Bus,
    private readonly subscriptions: Subscription[],
  ) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    for (const [pattern, handler] of this.messageHandlers) this.table.add(pattern, handler);
    const triggers = this.subscriptions.map((s) => `${s.trigger.namespace}/${s.trigger.name}`);
    this.bus
      .listen(this.subscriptions, (event, context) => this.dispatch(event, context))
      .then(() => {
        this.log.log(`${this.bus.backend} backend: serving ${triggers.length ? triggers.join(', ') : 'no triggers'}`);
        callback();
      }, callback);
  }

  close(): Promise<void> {
    return this.bus.close();
  }

  on(): void {
    // The bus reports its own failures through its logs; there are no transport events to hook.
  }

  unwrap<T>(): T {
    return this.bus as T;
  }

  private async dispatch(event: CloudEvent, context: DeliveryContext): Promise<CloudEvent | undefined> {
    const handler = this.table.match(event.type);
    if (!handler) {
      this.log.debug(`no handler for type ${event.type}; event ${event.id} acknowledged and ignored`);
      return undefined;
    }
    const result = await handler(event, new CloudEventsContext([event, context]));
    return lastValueFrom(this.transformToObservable<CloudEvent | undefined>(result), { defaultValue: undefined });
  }
}
