import type { Bus } from './bus';
import { KafkaBus } from './kafka/kafka-bus';
import { kafkaConfig } from './kafka/kafka-settings';
import { KnativeHttpBus } from './knative-http/knative-http-bus';
import { sinkToken } from './knative-http/sink-token';
import type { LogFactory } from './log';
import { DEFAULT_BROKER_PORT, type TransportSettings } from './transport.settings';

export type Backend = TransportSettings['backend'];

/**
 * The one place the backend is chosen: EVENTING_TRANSPORT=knative (default) publishes to K_SINK
 * (default: the embedded broker's default broker) with the token of K_SINK_TOKEN(_FILE), if any;
 * EVENTING_TRANSPORT=kafka uses KAFKA_BROKERS.
 */
export function createBus(clientId: string, settings: TransportSettings, logger: LogFactory): Bus {
  if (settings.backend === 'kafka') {
    return new KafkaBus({
      kafka: kafkaConfig(clientId, settings, logger),
      defaultBroker: settings.defaultBroker,
      overrides: settings.overrides,
      partitions: settings.kafkaTopicPartitions,
      replicationFactor: settings.kafkaReplicationFactor,
      maxInFlight: settings.kafkaMaxInFlight,
      maxInFlightBytes: settings.kafkaMaxInFlightBytes,
      fromBeginning: settings.kafkaInitialOffset === 'earliest',
      publishTimeoutMs: settings.publishTimeoutMs,
      sessionTimeoutMs: settings.kafkaSessionTimeoutMs,
      groupPrefix: settings.kafkaConsumerGroupPrefix,
      logger,
    });
  }
  const { namespace, name } = settings.defaultBroker;
  return new KnativeHttpBus({
    sink: settings.sink ?? new URL(`http://127.0.0.1:${settings.brokerPort ?? DEFAULT_BROKER_PORT}/${namespace}/${name}`),
    overrides: settings.overrides,
    publishTimeoutMs: settings.publishTimeoutMs,
    sinkToken: sinkToken(settings),
    log: logger('KnativeHttpBus'),
  });
}
