// Starts a real Kafka broker for the kafka half of the matrix unless KAFKA_BROKERS names one.
'use strict';
const { startKafka } = require('../../../tools/kafka/kafka.js');

module.exports = async () => {
  if (process.env.E2E_BACKENDS && !process.env.E2E_BACKENDS.split(',').includes('kafka')) return;
  if (process.env.KAFKA_BROKERS) return;
  const kafka = await startKafka({ port: 0 });
  process.env.KAFKA_BROKERS = kafka.brokers;
  globalThis.__E2E_KAFKA__ = kafka;
};
