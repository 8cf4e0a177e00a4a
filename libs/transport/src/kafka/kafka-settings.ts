import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { logLevel, type KafkaConfig, type logCreator, type SASLOptions } from 'kafkajs';

/** kafkajs logs through Nest's logger, so they read like every other line of the service. */
const nestLogCreator: logCreator = () => {
  const logger = new Logger('kafkajs');
  return ({ level, log }) => {
    const { message, timestamp: _t, logger: _l, ...rest } = log;
    const detail = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    if (level === logLevel.ERROR) logger.error(`${message}${detail}`);
    else if (level === logLevel.WARN) logger.warn(`${message}${detail}`);
    else logger.debug(`${message}${detail}`);
  };
};

/**
 * Kafka connection settings from the environment: KAFKA_BROKERS (comma-separated), and where a
 * cluster needs them KAFKA_SASL_MECHANISM (plain | scram-sha-256 | scram-sha-512) with
 * KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD, and KAFKA_TLS=true with optional KAFKA_TLS_CA_FILE,
 * KAFKA_TLS_CERT_FILE, KAFKA_TLS_KEY_FILE and KAFKA_TLS_REJECT_UNAUTHORIZED=false.
 */
export function kafkaConfigFromEnv(clientId: string, env: NodeJS.ProcessEnv = process.env): KafkaConfig {
  const brokers = (env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS must name at least one broker (host:port) for the kafka backend');
  const config: KafkaConfig = {
    clientId: env.KAFKA_CLIENT_ID ?? clientId,
    brokers,
    logLevel: logLevel.WARN,
    logCreator: nestLogCreator,
    connectionTimeout: 3000,
    retry: { initialRetryTime: 100, retries: 8 },
  };
  if (env.KAFKA_TLS === 'true' || env.KAFKA_TLS_CA_FILE) {
    config.ssl = {
      rejectUnauthorized: env.KAFKA_TLS_REJECT_UNAUTHORIZED !== 'false',
      ca: env.KAFKA_TLS_CA_FILE ? [readFileSync(env.KAFKA_TLS_CA_FILE, 'utf8')] : undefined,
      cert: env.KAFKA_TLS_CERT_FILE ? readFileSync(env.KAFKA_TLS_CERT_FILE, 'utf8') : undefined,
      key: env.KAFKA_TLS_KEY_FILE ? readFileSync(env.KAFKA_TLS_KEY_FILE, 'utf8') : undefined,
    };
  }
  const mechanism = env.KAFKA_SASL_MECHANISM?.toLowerCase();
  if (mechanism) {
    if (!['plain', 'scram-sha-256', 'scram-sha-512'].includes(mechanism)) {
      throw new Error(`KAFKA_SASL_MECHANISM must be plain, scram-sha-256 or scram-sha-512, got '${mechanism}'`);
    }
    if (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD) {
      throw new Error('KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
    }
    config.sasl = { mechanism, username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD } as SASLOptions;
  }
  return config;
}
