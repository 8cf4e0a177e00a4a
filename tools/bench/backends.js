// Sets up one backend for the bench: the real services (as `npm start` runs them), the sink their
// responses reach, the bare ceiling chain beside them, and the entries load is sent to.
'use strict';
const { startServices, servicesFor } = require('../run/services');
const { startKafka } = require('../kafka/kafka');
const { benchManifests } = require('./manifests');
const fs = require('node:fs');
const path = require('node:path');
const { startHttpSink, startKafkaSink } = require('./sink');
const { startOtlpSink } = require('./otlp-sink');
const { startHttpCeiling } = require('./ceiling-http');
const { startKafkaCeiling } = require('./ceiling-kafka');
const { kafkaClient, producerOf, batchingProducer } = require('./kafka-client');
const { REQUEST_TYPE, RESPONSE_TYPE, httpSender, kafkaSender } = require('./load');

const BROKER_TOPIC = 'knative-broker-default-default';
const CEILING_TOPIC = 'knative-broker-bench-ceiling';

/** The services' ports, as offsets from the bench's port base (the bench's own pick free ports). */
const PORTS = {
  BROKER_PORT: 80,
  INGRESS_ADAPTER_PORT: 81,
  PREDICTOR_ROUTER_PORT: 82,
  RESPONSE_PUBLISHER_PORT: 83,
  EVENT_DISPLAY_PORT: 84,
  KAFKA_DISPATCHER_PORT: 85,
  MODEL_SERVER_PORT: 90,
};
/** The OTLP sink's port, as an offset from the port base, with --tracing on. */
const OTLP_PORT = 95;

/**
 * What the backend's flow needs: no event-display (see manifests.js), no unused front door, and
 * no kafka-dispatcher, which serves Triggers to plain HTTP subscribers and the bench has none on
 * kafka (its sink reads the topic).
 */
function productServices(backend) {
  const unused = backend === 'knative' ? ['event-display', 'ingress-adapter'] : ['event-display', 'kafka-dispatcher'];
  return servicesFor(backend).filter((s) => !unused.includes(s.name));
}

/**
 * Starts the services in order, each with its own env so that one may run under the profiler;
 * without `metrics`, each with prom-client's recording made a no-op (metrics-off.js).
 */
async function startProduct({ backend, env, profile, profileDir, metrics = true, output, cleanup }) {
  const services = {};
  for (const service of productServices(backend)) {
    const args = [];
    if (!metrics) args.push(`--require=${path.join(__dirname, 'metrics-off.js')}`);
    if (service.name === profile) args.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
    const own = args.length > 0 ? { SERVICE_NODE_ARGS: args.join(' ') } : {};
    const started = await startServices({ env: { ...env, ...own }, backend, output, only: [service.name] });
    Object.assign(services, started);
    cleanup.push(() => started[service.name].stop());
  }
  return services;
}

function baseEnv(options, manifestsDir) {
  const env = { ...process.env, EVENTING_MANIFESTS: manifestsDir, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  // The broker's durable log is on only in the scenarios named for it (setBrokerLog).
  delete env.BROKER_LOG_DIR;
  for (const [name, offset] of Object.entries(PORTS)) env[name] = String(options.portBase + offset);
  if (options.otlpUrl) env.OTEL_EXPORTER_OTLP_ENDPOINT = options.otlpUrl;
  return env;
}

/**
 * With `tracing`, an OTLP sink the services export to; `take()` says how many spans arrived
 * since it was last asked.
 */
async function startTracing(options, cleanup) {
  if (!options.tracing) return undefined;
  // In the services' band of ports (port-base + 80..90), below the ephemeral range.
  const sink = await startOtlpSink(options.portBase + OTLP_PORT);
  cleanup.push(sink.stop);
  options.otlpUrl = sink.url;
  let seen = 0;
  return {
    take() {
      const spans = sink.stats.spans - seen;
      seen = sink.stats.spans;
      return spans;
    },
  };
}

/** Runs `steps` in reverse: everything started so far, stopped. */
async function unwind(cleanup) {
  for (const step of cleanup.reverse()) await step().catch((err) => console.error(`bench: cleanup: ${err.message}`));
}

function closeSenders(entries) {
  for (const entry of Object.values(entries)) for (const send of Object.values(entry)) send.close();
}

/** Responses reach whichever tracker the running scenario set on `sink`. */
function sinkHolder() {
  const sink = { tracker: undefined };
  sink.onArrival = (id, at) => sink.tracker?.arrived(id, at);
  return sink;
}

async function knative(options, cleanup) {
  const sink = sinkHolder();
  const httpSink = await startHttpSink({ type: RESPONSE_TYPE, onArrival: sink.onArrival });
  cleanup.push(httpSink.stop);
  const manifests = benchManifests({ sinkUrl: httpSink.url, responseType: RESPONSE_TYPE, triggers: 1 });
  cleanup.push(async () => manifests.remove());
  const logDir = options.brokerLogDir;
  // Pushed before the broker starts, so that it runs after the broker has stopped.
  cleanup.push(async () => fs.rmSync(logDir, { recursive: true, force: true }));
  const services = await startProduct({ ...options, backend: 'knative', env: baseEnv(options, manifests.dir), cleanup });
  const ceiling = await startHttpCeiling({ sinkUrl: httpSink.url, responseType: RESPONSE_TYPE });
  cleanup.push(ceiling.stop);
  const entries = { http: { send: httpSender(`${services.broker.url}/`), ceiling: httpSender(ceiling.url) } };
  cleanup.push(async () => closeSenders(entries));
  return {
    sink,
    services,
    ceilingPids: ceiling.pids,
    entries,
    /** Triggers are the broker's business alone on knative: only it restarts. */
    async setTriggers(count) {
      manifests.setTriggers(count);
      await services.broker.stop();
      await services.broker.start();
    },
    setBatching: batchingSetter(manifests, services),
    /** The durable log is the broker's business alone: it restarts with a fresh, empty BROKER_LOG_DIR, or without one. */
    async setBrokerLog(on) {
      const broker = services.broker;
      await broker.stop();
      fs.rmSync(logDir, { recursive: true, force: true });
      broker.env = { ...broker.env, BROKER_LOG_DIR: on ? logDir : undefined };
      await broker.start();
    },
    /** Segment files in the broker's log folder: none once traffic has passed means the log is off. */
    brokerLogSegments: () => (fs.existsSync(logDir) ? fs.readdirSync(logDir).filter((f) => f.endsWith('.seg')).length : 0),
  };
}

/** Micro-batching is the predictor-router's business alone: only it restarts, with the deployment's new annotations. */
function batchingSetter(manifests, services) {
  return async (batching) => {
    manifests.setBatching(batching);
    await services['predictor-router'].stop();
    await services['predictor-router'].start();
  };
}

async function kafka(options, cleanup) {
  let brokers = process.env.KAFKA_BROKERS;
  const own = {};
  if (!brokers) {
    options.output('bench', 'starting Kafka');
    const started = await startKafka({ port: 0 });
    cleanup.push(() => started.stop());
    brokers = started.brokers;
    own.kafka = started.pid;
  }
  const manifests = benchManifests({ responseType: RESPONSE_TYPE, triggers: 0 });
  cleanup.push(async () => manifests.remove());
  const env = { ...baseEnv(options, manifests.dir), KAFKA_BROKERS: brokers };
  const services = await startProduct({ ...options, backend: 'kafka', env, cleanup });
  const client = kafkaClient(brokers, 'bench');
  const producer = producerOf(client);
  await producer.connect();
  cleanup.push(() => producer.disconnect());
  const produce = batchingProducer(producer);
  const ceiling = await startKafkaCeiling({ brokers, topic: CEILING_TOPIC, requestType: REQUEST_TYPE, responseType: RESPONSE_TYPE });
  cleanup.push(ceiling.stop);
  const sink = sinkHolder();
  for (const topic of [BROKER_TOPIC, CEILING_TOPIC]) {
    const consumer = await startKafkaSink({ kafka: client, topic, type: RESPONSE_TYPE, onArrival: sink.onArrival });
    cleanup.push(consumer.stop);
  }
  const entries = {
    http: { send: httpSender(`${services['ingress-adapter'].url}/`), ceiling: httpSender(ceiling.url) },
    kafka: { send: kafkaSender(produce, BROKER_TOPIC), ceiling: kafkaSender(produce, CEILING_TOPIC) },
  };
  cleanup.push(async () => closeSenders(entries));
  return { sink, services, extraPids: own, ceilingPids: ceiling.pids, entries, setBatching: batchingSetter(manifests, services) };
}

/**
 * Starts a backend; `stop()` stops all it started. `pids()` names the processes to measure (the
 * services, and Kafka when the bench started it).
 */
async function startBackend(backend, options) {
  const cleanup = [];
  try {
    const spans = await startTracing(options, cleanup);
    const setup = await (backend === 'knative' ? knative : kafka)(options, cleanup);
    return {
      ...setup,
      spans,
      backend,
      pids: () => ({ ...Object.fromEntries(Object.entries(setup.services).map(([name, s]) => [name, s.pid])), ...setup.extraPids }),
      stop: () => unwind(cleanup),
    };
  } catch (err) {
    await unwind(cleanup);
    throw err;
  }
}

module.exports = { startBackend };
