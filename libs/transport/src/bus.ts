import type { CloudEvent } from '@seldon-eventing/cloudevents';
import type { CompiledTrigger } from '@seldon-eventing/eventing';

/** A broker is named by namespace and name, as `POST /<namespace>/<broker>` addresses it. */
export interface BrokerRef {
  namespace: string;
  name: string;
}

export interface DeliveryContext {
  /** The Trigger the event was delivered for, when the backend knows it. */
  trigger?: CompiledTrigger;
  /** 1 for the first attempt. */
  attempt: number;
}

/** Handles one delivered event; resolves to a reply event (published back to the broker) or nothing. */
export type DeliveryHandler = (event: CloudEvent, context: DeliveryContext) => Promise<CloudEvent | undefined>;

/**
 * The event bus as services see it, whatever carries it. Backends know CloudEvents and the
 * Knative eventing model, and nothing of what the events mean.
 */
export interface Bus {
  readonly backend: 'knative' | 'kafka';
  /** Resolves once the broker has accepted the event (HTTP 2xx, or Kafka acknowledged the write). */
  publish(event: CloudEvent, broker?: BrokerRef): Promise<void>;
  /** Starts delivering the events of these (ready) Triggers to the handler. */
  listen(triggers: CompiledTrigger[], handler: DeliveryHandler): Promise<void>;
  /** Why the bus cannot carry events now (an unreachable Kafka or broker, consumers not started); empty when it can. */
  waitingFor(): string[];
  /** Stops intake, drains in-flight deliveries, releases connections. */
  close(): Promise<void>;
}

export function brokerKey(broker: BrokerRef): string {
  return `${broker.namespace}/${broker.name}`;
}

/** Parses `namespace/name` (DEFAULT_BROKER and friends). */
export function parseBrokerRef(text: string): BrokerRef {
  const [namespace, name, ...rest] = text.split('/');
  if (!namespace || !name || rest.length > 0) {
    throw new Error(`a broker is written <namespace>/<name>, got '${text}'`);
  }
  return { namespace, name };
}
