import { ClientProxy, ReadPacket, WritePacket } from '@nestjs/microservices';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import type { BrokerRef, Bus } from '../bus';

/** What `client.emit(PUBLISH, ...)` takes: an event, and the broker when not the default one. */
export interface PublishRequest {
  event: CloudEvent;
  broker?: BrokerRef;
}

export const PUBLISH = 'publish';

/**
 * The Nest client proxy over a Bus: `emit(PUBLISH, { event, broker })` publishes and completes
 * once the broker accepted the event, or errors with a PublishError. Request-response over the
 * bus is not a thing in eventing (replies travel as new events), so `send` is refused.
 */
export class CloudEventsClient extends ClientProxy {
  constructor(private readonly bus: Bus) {
    super();
  }

  async connect(): Promise<void> {
    // The bus is connected by whoever created it.
  }

  close(): void {
    // The bus outlives this client; its owner closes it.
  }

  unwrap<T>(): T {
    return this.bus as T;
  }

  protected publish(_packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    callback({ err: new Error('request-response is not supported over the event bus; use emit()'), isDisposed: true });
    return () => undefined;
  }

  protected dispatchEvent<T = unknown>(packet: ReadPacket<PublishRequest>): Promise<T> {
    return this.bus.publish(packet.data.event, packet.data.broker) as Promise<T>;
  }
}
