import type { Bus, BrokerRef } from './bus';
import { parseBrokerRef } from './bus';
import { KafkaBus } from './kafka/kafka-bus';
import { kafkaConfigFromEnv } from './kafka/kafka-settings';
import { KnativeHttpBus } from './knative-http/knative-http-bus';
import { sinkTokenFromEnv } from './knative-http/sink-token';
import type { LogFactory } from './log';
import { ceOverrides } from './overrides';

export type Backend = 'knative' | 'kafka';

export function backendFromEnv(env: NodeJS.ProcessEnv = process.env): Backend {
  const value = env.EVENTING_TRANSPORT ?? 'knative';
  if (value !== 'knative' && value !== 'kafka') {
    throw new Error(`EVENTING_TRANSPORT must be 'knative' or 'kafka', got '${value}'`);
  }
  return value;
}

/** DEFAULT_BROKER (`<namespace>/<name>`): the broker behind `POST /` and K_SINK. */
export function defaultBrokerFromEnv(env: NodeJS.ProcessEnv = process.env): BrokerRef {
  return parseBrokerRef(env.DEFAULT_BROKER ?? 'default/default');
}

function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return value;
}

/**
 * The one place the backend is chosen: EVENTING_TRANSPORT=knative (default) publishes to K_SINK
 * (default: the embedded broker's default broker) with the token of K_SINK_TOKEN(_FILE), if any;
 * EVENTING_TRANSPORT=kafka uses KAFKA_BROKERS.
 */
export function createBusFromEnv(clientId: string, env: NodeJS.ProcessEnv, logger: LogFactory): Bus {
  const overrides = ceOverrides(env.K_CE_OVERRIDES);
  const defaultBroker = defaultBrokerFromEnv(env);
  if (backendFromEnv(env) === 'kafka') {
    return new KafkaBus({
      kafka: kafkaConfigFromEnv(clientId, env),
      defaultBroker,
      overrides,
      partitions: intSetting(env, 'KAFKA_TOPIC_PARTITIONS', 10),
      replicationFactor: intSetting(env, 'KAFKA_REPLICATION_FACTOR', 1),
      maxInFlight: intSetting(env, 'KAFKA_MAX_IN_FLIGHT', 64),
      fromBeginning: env.KAFKA_INITIAL_OFFSET === 'earliest',
      publishTimeoutMs: intSetting(env, 'PUBLISH_TIMEOUT_MS', 10_000),
      sessionTimeoutMs: intSetting(env, 'KAFKA_SESSION_TIMEOUT_MS', 10_000),
      logger,
    });
  }
  const sink = env.K_SINK ?? `http://127.0.0.1:${env.BROKER_PORT ?? 8080}/${defaultBroker.namespace}/${defaultBroker.name}`;
  let url: URL;
  try {
    url = new URL(sink);
  } catch {
    throw new Error(`K_SINK must be an absolute URL, got '${sink}'`);
  }
  return new KnativeHttpBus({
    sink: url,
    overrides,
    publishTimeoutMs: intSetting(env, 'PUBLISH_TIMEOUT_MS', 10_000),
    sinkToken: sinkTokenFromEnv(env),
  });
}
