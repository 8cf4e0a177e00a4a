// The machine's ceiling for the kafka path: bare kafkajs relays, one process per service, doing
// the same produces and consumes per event as the real flow through a topic laid out like the
// broker's, and no other work:
//
//   [client -> ingress (HTTP, 202 on the ack) ->] topic -> router relay -> model (HTTP)
//   router relay -> topic -> publisher relay -> topic -> sink consumer
//
// Each relay reads the whole topic as a group of its own, as each Trigger does. The relays and the
// ingress run on kafkajs (the services' client) unless `client` names another of
// kafka-clients/relay-clients.js; the bench's load generator and sink stay on kafkajs.
// Run as a process: node ceiling-kafka.js <role> <json options>.
'use strict';
const http = require('node:http');
const path = require('node:path');
const { kafkaClient, batchingProducer, ensureTopic, header } = require('./kafka-client');
const { relayClient } = require('./kafka-clients/relay-clients');
const { startBare, stopBare, pidsOf, readBody, post } = require('./ceiling-http');

const OUTCOME_TYPE = 'bench.ceiling.outcome';

/** Passes records of type `from` on as records of type `to`, after calling the model if given one. */
async function relay({ brokers, topic, from, to, model, name, client = 'kafkajs' }) {
  const kafka = relayClient(client);
  const produce = batchingProducer(await kafka.producer(brokers, `bench-ceiling-${name}`));
  const pass = async (message) => {
    if (header(message, 'ce_type') !== from) return;
    let value = message.value;
    if (model) value = (await post(model, { 'content-type': 'application/json' }, value)).body;
    // The response's id is the request's puid, as the predictor-router makes it.
    const headers = { ...message.headers, ce_type: to, ce_id: header(message, 'ce_seldonpuid') ?? header(message, 'ce_id') };
    await produce(topic, { value, headers });
  };
  // Records are passed on without holding up the next fetch, as the services' Trigger consumers
  // keep fetching while deliveries are in flight; the closed-loop load bounds what is in flight.
  // (Offsets may then be committed before the reply is produced: no matter here, nothing crashes.)
  await kafka.consume(brokers, {
    groupId: `bench-ceiling-${name}-${process.pid}`,
    topic,
    onMessage: (message) => pass(message).catch((err) => console.error(`ceiling ${name}: ${err.message}`)),
  });
}

/** HTTP in, produce, 202 once Kafka acknowledged: the ingress adapter without the validation. */
async function ingress({ brokers, topic, client = 'kafkajs' }) {
  const produce = batchingProducer(await relayClient(client).producer(brokers, 'bench-ceiling-ingress'));
  const server = http.createServer(async (req, res) => {
    try {
      const value = await readBody(req);
      const headers = { 'content-type': req.headers['content-type'] };
      for (const [name, v] of Object.entries(req.headers)) if (name.startsWith('ce-')) headers[`ce_${name.slice(3)}`] = v;
      await produce(topic, { value, headers });
      res.writeHead(202).end();
    } catch (err) {
      res.writeHead(503).end(err.message);
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port };
}

const ROLES = { relay, ingress };

async function serve(role, options) {
  process.send((await ROLES[role](options)) ?? {});
  process.on('disconnect', () => process.exit(0));
}

/**
 * Starts the bare chain on `topic` (created like a broker topic). Events enter by producing
 * records of `requestType` to the topic, or over HTTP at `url`; responses come back on the topic
 * as records of `responseType`.
 */
async function startKafkaCeiling({ brokers, topic, requestType, responseType, client = 'kafkajs' }) {
  await ensureTopic(kafkaClient(brokers, 'bench-ceiling-admin'), topic);
  const children = [];
  const start = async (file, role, options) => {
    const child = await startBare(file, role, options);
    children.push(child);
    return child.url;
  };
  try {
    const model = await start(path.join(__dirname, 'ceiling-http.js'), 'model', {});
    await start(__filename, 'relay', { brokers, topic, from: requestType, to: OUTCOME_TYPE, model, name: 'router', client });
    await start(__filename, 'relay', { brokers, topic, from: OUTCOME_TYPE, to: responseType, name: 'publisher', client });
    const url = await start(__filename, 'ingress', { brokers, topic, client });
    return { url, topic, pids: pidsOf(children), stop: () => stopBare(children) };
  } catch (err) {
    await stopBare(children);
    throw err;
  }
}

if (require.main === module) {
  serve(process.argv[2], JSON.parse(process.argv[3])).catch((err) => {
    console.error(`ceiling ${process.argv[2]}: ${err.message}`);
    process.exit(1);
  });
}

module.exports = { startKafkaCeiling };
