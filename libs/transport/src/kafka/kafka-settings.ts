import { readFileSync } from 'node:fs';
import { logLevel, type KafkaConfig, type logCreator, type SASLOptions } from 'kafkajs';
import type { LogFactory } from '../log';
import type { TransportSettings } from '../transport.settings';

/**
 * Protocol errors Kafka answers while a group's coordinator or a partition's leader is being
 * elected or loaded: routine on every start and rebalance, and retried by kafkajs itself. The
 * texts are kafkajs's (src/protocol/error.js, 2.2.4), as its log lines carry only the message.
 */
const ELECTION_ERRORS = [
  'The group coordinator is not available', // GROUP_COORDINATOR_NOT_AVAILABLE
  'This is not the correct coordinator for this group', // NOT_COORDINATOR(_FOR_GROUP)
  "The coordinator is loading and hence can't process requests", // COORDINATOR_LOAD_IN_PROGRESS
  'There is no leader for this topic-partition', // LEADER_NOT_AVAILABLE
  'This server is not the leader for that topic-partition', // NOT_LEADER_FOR_PARTITION
  'The group is rebalancing, so a rejoin is needed', // REBALANCE_IN_PROGRESS
];

/** kafkajs's lines about a connection it retries or a consumer it restarts by itself. */
const RETRIED = [/^Connection error: /, /^Connection timeout/, /^Failed to connect to (seed )?broker/, /^Restarting the consumer in /, /ECONNREFUSED/];

/**
 * The level of one kafkajs ERROR line. kafkajs logs every failed request at error, though it
 * retries most of them: a protocol error about an election is routine (debug for the failed
 * request, warn when it crashed the consumer, which kafkajs then restarts); a refused connection
 * or a restart is worth a warning; anything else stays an error.
 */
export function kafkajsErrorLevel(message: string, error?: string): 'error' | 'warn' | 'debug' {
  const text = error === undefined ? message : `${message}: ${error}`;
  if (ELECTION_ERRORS.some((known) => text.includes(known))) return message.startsWith('Response ') ? 'debug' : 'warn';
  return RETRIED.some((pattern) => pattern.test(text)) ? 'warn' : 'error';
}

/** kafkajs logs through the service's logger, so they read like every other line of the service. */
const logCreatorOf = (logger: LogFactory): logCreator => () => {
  const log = logger('kafkajs');
  return ({ namespace, level, log: entry }) => {
    const { message, timestamp: _t, logger: _l, ...rest } = entry;
    const detail = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    const line = `${namespace ? `[${namespace}] ` : ''}${message}${detail}`;
    const severity = level === logLevel.ERROR ? kafkajsErrorLevel(message, typeof rest.error === 'string' ? rest.error : undefined) : level === logLevel.WARN ? 'warn' : 'debug';
    if (severity === 'error') log.error(line);
    else if (severity === 'warn') log.warn(line);
    else log.debug(line);
  };
};

/**
 * The kafkajs client configuration: KAFKA_BROKERS, and where a cluster needs them
 * KAFKA_SASL_MECHANISM with KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD, and TLS (KAFKA_TLS, or
 * implied by KAFKA_TLS_CA_FILE) with the optional client certificate. Certificate files are read
 * here, so an unreadable one stops the start.
 */
export function kafkaConfig(clientId: string, settings: TransportSettings, logger: LogFactory): KafkaConfig {
  if (settings.kafkaBrokers.length === 0) throw new Error('KAFKA_BROKERS must name at least one broker (host:port) for the kafka backend');
  const config: KafkaConfig = {
    clientId: settings.kafkaClientId ?? clientId,
    brokers: settings.kafkaBrokers,
    logLevel: logLevel.WARN,
    logCreator: logCreatorOf(logger),
    connectionTimeout: 3000,
    retry: { initialRetryTime: 100, retries: 8 },
  };
  if (settings.kafkaTls || settings.kafkaTlsCaFile) {
    config.ssl = {
      rejectUnauthorized: settings.kafkaTlsRejectUnauthorized,
      ca: settings.kafkaTlsCaFile ? [readFileSync(settings.kafkaTlsCaFile, 'utf8')] : undefined,
      cert: settings.kafkaTlsCertFile ? readFileSync(settings.kafkaTlsCertFile, 'utf8') : undefined,
      key: settings.kafkaTlsKeyFile ? readFileSync(settings.kafkaTlsKeyFile, 'utf8') : undefined,
    };
  }
  const mechanism = settings.kafkaSaslMechanism;
  if (mechanism) {
    const { kafkaSaslUsername: username, kafkaSaslPassword: password } = settings;
    if (!username || !password) throw new Error('KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
    config.sasl = { mechanism, username, password } as SASLOptions;
  }
  return config;
}
