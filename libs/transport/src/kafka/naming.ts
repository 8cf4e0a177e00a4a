import type { BrokerRef } from '../bus';

/** The Knative Kafka Broker's layout: one topic per broker... */
export function brokerTopic(broker: BrokerRef): string {
  return `knative-broker-${broker.namespace}-${broker.name}`;
}

/** ...and one consumer group per Trigger. */
export function triggerGroup(namespace: string, trigger: string): string {
  return `knative-trigger-${namespace}-${trigger}`;
}

export const DELIVERY_ORDER_ANNOTATION = 'kafka.eventing.knative.dev/delivery.order';

export type DeliveryOrder = 'ordered' | 'unordered';

/** Knative's default for Triggers is unordered. */
export function deliveryOrder(annotations: Record<string, string>): DeliveryOrder {
  const value = annotations[DELIVERY_ORDER_ANNOTATION];
  if (value === undefined || value === 'unordered') return 'unordered';
  if (value === 'ordered') return 'ordered';
  throw new Error(`${DELIVERY_ORDER_ANNOTATION} must be 'ordered' or 'unordered', got '${value}'`);
}
