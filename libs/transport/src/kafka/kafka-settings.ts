import { readFileSync } from 'node:fs';
import { logLevel, type KafkaConfig, type logCreator, type SASLOptions } from 'kafkajs';
import type { LogFactory } from '../log';
import type { TransportSettings } from '../transport.settings';

/** kafkajs logs through the service's logger, so they read like every other line of the service. */
const logCreatorOf = (logger: LogFactory): logCreator => () => {
  const log = logger('kafkajs');
  return ({ level, log: entry }) => {
    const { message, timestamp: _t, logger: _l, ...rest } = entry;
    const detail = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    if (level === logLevel.ERROR) log.error(`${message}${detail}`);
    else if (level === logLevel.WARN) log.warn(`${message}${detail}`);
    else log.debug(`${message}${detail}`);
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
