import type { INestApplication, INestMicroservice } from '@nestjs/common';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import type { CompiledTrigger } from '@seldon-eventing/eventing';
import type { Bus, DeliveryContext } from '../bus';
import type { Log } from '../log';
import { CloudEventsContext } from './cloudevents.context';
import { DeliveryErrorFilter } from './delivery-error.filter';
import { bySpecificity, compileTypePattern } from './type-pattern';

export const CLOUDEVENTS_TRANSPORT = Symbol('cloudevents');

/** Distinct event types remembered with their handler; past it, lookups are simply not cached. */
const MAX_CACHED_TYPES = 1_000;

/**
 * The Nest server strategy over a Bus, as NestJS's own transports are built: it consumes the
 * service's Triggers and invokes the handler whose pattern (an event type, `*` a wildcard)
 * matches each event's type, the most specific first.
 * - `@MessagePattern(...)`: what the handler returns (a CloudEvent, or nothing) is the delivery's
 *   reply, which the backend publishes to the broker.
 * - `@EventPattern(...)`: fire-and-forget, never a reply.
 * A thrown DeliveryError fails the delivery with its status, so the backend retries or
 * dead-letters it (DeliveryErrorFilter passes it through Nest's exception layer intact).
 */
export class CloudEventsServer extends Server implements CustomTransportStrategy {
  override readonly transportId = CLOUDEVENTS_TRANSPORT;
  private patterns: { pattern: string; regex: RegExp }[] = [];
  private readonly byType = new Map<string, MessageHandler | null>();

  constructor(
    private readonly bus: Bus,
    private readonly triggers: CompiledTrigger[],
    private readonly log: Log,
  ) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    this.patterns = [...this.messageHandlers.keys()].sort(bySpecificity).map((pattern) => ({ pattern, regex: compileTypePattern(pattern) }));
    const names = this.triggers.map((t) => t.key);
    this.bus
      .listen(this.triggers, (event, context) => this.dispatch(event, context))
      .then(() => {
        this.log.debug(`${this.bus.backend} backend: serving ${names.length ? names.join(', ') : 'no triggers'}`);
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

  /** The handler for an event type: patterns are matched, not looked up, so Nest's exact-key lookup is replaced. */
  override getHandlerByPattern(type: string): MessageHandler | null {
    const cached = this.byType.get(type);
    if (cached !== undefined) return cached;
    const match = this.patterns.find(({ regex }) => regex.test(type));
    const handler = match ? (this.messageHandlers.get(match.pattern) ?? null) : null;
    if (this.byType.size < MAX_CACHED_TYPES) this.byType.set(type, handler);
    return handler;
  }

  private async dispatch(event: CloudEvent, context: DeliveryContext): Promise<CloudEvent | undefined> {
    const handler = this.getHandlerByPattern(event.type);
    if (!handler) {
      this.log.debug(`no handler for type ${event.type}; event ${event.id} acknowledged and ignored`);
      return undefined;
    }
    const result = await handler(event, new CloudEventsContext([event, context]));
    const reply = await lastValueFrom(this.transformToObservable<CloudEvent | undefined>(result), { defaultValue: undefined });
    return handler.isEventHandler ? undefined : reply;
  }
}

/**
 * Connects the strategy to a hybrid app with the DeliveryErrorFilter. Initialisation is deferred
 * to `startAllMicroservices()`, since Nest binds exception filters when it registers the handlers
 * and `connectMicroservice` would otherwise register them before the filter is known.
 */
export function connectCloudEventsServer(app: INestApplication, server: CloudEventsServer): INestMicroservice {
  return app.connectMicroservice({ strategy: server }, { deferInitialization: true }).useGlobalFilters(new DeliveryErrorFilter());
}
