import { defineSettings, setting, type SettingsOf } from '@seldon-eventing/settings';
import { parseBrokerRef, type BrokerRef } from './bus';
import { KNATIVE_TRIGGER_GROUP_PREFIX } from './kafka/naming';
import { ceOverrides, type EventOverrides } from './overrides';

export const DEFAULT_BROKER_PORT = 8080;

/** Shared with the service shell's port settings: K_SINK's default points at the embedded broker. */
export const brokerPortSetting = setting.int('BROKER_PORT', {
  min: 0,
  max: 65535,
  defaultText: `${DEFAULT_BROKER_PORT}`,
  description: "the embedded broker's port; K_SINK points at it by default",
});

/** Shared with the eventing settings: the ingresses route `POST /` to it too. */
export const defaultBrokerSetting = setting.custom<BrokerRef>(
  'DEFAULT_BROKER',
  (raw) => {
    try {
      return parseBrokerRef(raw.trim());
    } catch {
      throw new Error('a broker written `<namespace>/<name>`');
    }
  },
  { default: { namespace: 'default', name: 'default' }, defaultText: '`default/default`', description: 'the broker behind `POST /` and behind K_SINK by default' },
);

/** Shared with the ingress authentication settings: one token can serve both directions. */
export const ingressAuthTokenSetting = setting.string('INGRESS_AUTH_TOKEN', {
  defaultText: 'none (off)',
  description:
    'bearer token the broker and ingress-adapter require on every request but health checks (401 otherwise); services also send it when publishing, unless K_SINK_TOKEN is set',
});

const overridesSetting = setting.custom<EventOverrides>(
  'K_CE_OVERRIDES',
  (raw) => {
    try {
      return ceOverrides(raw);
    } catch (err) {
      throw new Error(`JSON of the form {"extensions":{"<name>":"<value>"}} (${(err as Error).message})`);
    }
  },
  { default: (event) => event, defaultText: 'none', description: 'as Knative sources receive it: `{"extensions":{...}}` added to every event a service emits' },
);

/**
 * How a service reaches the bus. EVENTING_TRANSPORT picks the backend; the knative backend
 * publishes to K_SINK, the kafka backend uses the KAFKA_* settings.
 */
export const transportSettings = defineSettings('Bus (knative and kafka backends)', {
  backend: setting.oneOf('EVENTING_TRANSPORT', ['knative', 'kafka'] as const, { default: 'knative', description: 'the backend: `knative` (HTTP to a broker) or `kafka`' }),
  defaultBroker: defaultBrokerSetting,
  overrides: overridesSetting,
  publishTimeoutMs: setting.int('PUBLISH_TIMEOUT_MS', {
    default: 10_000,
    min: 1,
    description: "how long a publish waits for the broker's or Kafka's acknowledgement before the front door answers 503",
  }),
  sink: setting.url('K_SINK', { defaultText: "the embedded broker's default broker", description: 'where services publish (knative backend), as Knative injects it into a source' }),
  brokerPort: brokerPortSetting,
  sinkToken: setting.string('K_SINK_TOKEN', { defaultText: '`INGRESS_AUTH_TOKEN`', description: 'bearer token services send when publishing to K_SINK' }),
  sinkTokenFile: setting.string('K_SINK_TOKEN_FILE', {
    defaultText: 'none',
    description: 'a file holding the K_SINK token (e.g. a projected service-account token), re-read every 10 s as it rotates; not together with K_SINK_TOKEN',
  }),
  sharedToken: ingressAuthTokenSetting,
  kafkaBrokers: setting.list('KAFKA_BROKERS', { default: [], description: 'bootstrap servers, `host:port` comma-separated (required by the kafka backend)' }),
  kafkaClientId: setting.string('KAFKA_CLIENT_ID', { defaultText: "the service's name", description: 'the Kafka client id the service connects with' }),
  kafkaSaslMechanism: setting.oneOf('KAFKA_SASL_MECHANISM', ['plain', 'scram-sha-256', 'scram-sha-512'] as const, {
    defaultText: 'none (no SASL)',
    description: 'SASL mechanism of a secured cluster; needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD',
  }),
  kafkaSaslUsername: setting.string('KAFKA_SASL_USERNAME', { description: 'SASL user name' }),
  kafkaSaslPassword: setting.string('KAFKA_SASL_PASSWORD', { description: 'SASL password' }),
  kafkaTls: setting.bool('KAFKA_TLS', { default: false, description: 'connect to Kafka over TLS (implied by KAFKA_TLS_CA_FILE)' }),
  kafkaTlsCaFile: setting.string('KAFKA_TLS_CA_FILE', { description: "PEM file of the CA that signed the Kafka brokers' certificates" }),
  kafkaTlsCertFile: setting.string('KAFKA_TLS_CERT_FILE', { description: 'PEM client certificate, for clusters that authenticate clients by TLS' }),
  kafkaTlsKeyFile: setting.string('KAFKA_TLS_KEY_FILE', { description: "PEM private key of KAFKA_TLS_CERT_FILE" }),
  kafkaTlsRejectUnauthorized: setting.bool('KAFKA_TLS_REJECT_UNAUTHORIZED', { default: true, description: "`false` accepts a Kafka broker certificate that does not verify (tests only)" }),
  kafkaTopicPartitions: setting.int('KAFKA_TOPIC_PARTITIONS', { default: 10, min: 1, description: 'partitions of a broker topic created by the services' }),
  kafkaReplicationFactor: setting.int('KAFKA_REPLICATION_FACTOR', { default: 1, min: 1, description: 'replication factor of a broker topic created by the services' }),
  kafkaMaxInFlight: setting.int('KAFKA_MAX_IN_FLIGHT', {
    // kafkajs fetches again only once every record of the last fetch is taken: a bound below the
    // load stalls the Trigger's whole consumer, so it is set for throughput, and memory is
    // bounded by KAFKA_MAX_IN_FLIGHT_BYTES (docs/performance.md, issue #15).
    default: 512,
    min: 1,
    description: 'deliveries of one Trigger in flight at once per service (kafka backend); when all are busy, fetching pauses',
  }),
  kafkaMaxInFlightBytes: setting.int('KAFKA_MAX_IN_FLIGHT_BYTES', {
    default: 16 * 1024 * 1024,
    min: 1,
    description: "bytes of event data of one Trigger's deliveries in flight at once per service (kafka backend); a larger event still goes, alone",
  }),
  kafkaInitialOffset: setting.oneOf('KAFKA_INITIAL_OFFSET', ['latest', 'earliest'] as const, {
    default: 'latest',
    description: "where a Trigger's new consumer group starts reading: `latest` (Knative's default) or `earliest`",
  }),
  kafkaConsumerGroupPrefix: setting.custom<string>(
    'KAFKA_CONSUMER_GROUP_PREFIX',
    (raw) => {
      // Kafka accepts any group id up to 255 characters; these characters keep it readable in tools and ACLs.
      if (!/^[A-Za-z0-9._-]{1,200}$/.test(raw)) throw new Error('letters, digits, `.`, `_` and `-`, 1 to 200 of them');
      return raw;
    },
    {
      default: KNATIVE_TRIGGER_GROUP_PREFIX,
      defaultText: `\`${KNATIVE_TRIGGER_GROUP_PREFIX}\``,
      description:
        "prefix of each Trigger's consumer group, `<prefix><namespace>-<trigger>`; the default is the Knative Kafka Broker's, so a Trigger keeps its offsets when moved between the two; set another when both consume one topic, or they split its partitions",
    },
  ),
  kafkaSessionTimeoutMs: setting.int('KAFKA_SESSION_TIMEOUT_MS', {
    default: 10_000,
    min: 1,
    description: "how long a Trigger's consumer group waits for a silent member (crashed, cut off) before giving its partitions to the others",
  }),
});

export type TransportSettings = SettingsOf<typeof transportSettings>;
