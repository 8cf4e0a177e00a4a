import type { BrokerRef } from '../bus';

/** The Knative Kafka Broker's layout: one topic per broker... */
export function brokerTopic(broker: BrokerRef): string {
  return `knative-broker-${broker.namespace}-${broker.name}`;
}

/** The Knative Kafka Broker's prefix of Trigger consumer groups (its `triggers.consumergroup.template`). */
export const KNATIVE_TRIGGER_GROUP_PREFIX = 'knative-trigger-';

/**
 * ...and one consumer group per Trigger, `<prefix><namespace>-<trigger>`. The default prefix is
 * the Knative Kafka Broker's, so its groups and ours are the same: a Trigger moves between the two
 * keeping its offsets, but the two must never consume one topic at once (they would split the
 * partitions between them). KAFKA_CONSUMER_GROUP_PREFIX sets another prefix for that case.
 */
export function triggerGroup(namespace: string, trigger: string, prefix = KNATIVE_TRIGGER_GROUP_PREFIX): string {
  return `${prefix}${namespace}-${trigger}`;
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
